// Errors the use cases throw. They say what went wrong in domain terms; the HTTP edge maps each class to a
// status code in one place (lib/http/respond.ts), CLIs print the message. Callers branch with instanceof.

/** Field-level problems, one entry per offending field. */
export type ErrorDetails = { path: string; message: string }[] | Record<string, unknown>;

export class DomainError extends Error {
  readonly details?: ErrorDetails;
  constructor(message: string, details?: ErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The request cannot be carried out as asked (a missing or contradictory argument). */
export class InvalidInputError extends DomainError {}

/** A field's value is not acceptable (the details name the field). */
export class ValidationError extends DomainError {}

/** The thing asked about does not exist. */
export class NotFoundError extends DomainError {}

/** The request conflicts with the current state (a duplicate key, a job already running). */
export class ConflictError extends DomainError {}

/** A dependency is not ready: no model directory yet, the index and the model disagree on dimensions. */
export class UnavailableError extends DomainError {}

/** The account is known but its role (or authorship) does not allow the action. */
export class ForbiddenError extends DomainError {}
