// Errors that belong to HTTP itself (401, 405, 413, 429, malformed bodies) and the zod -> 400 mapping.
// Domain errors (lib/domain/errors) are mapped to a status in lib/http/respond.ts.
import { ZodError } from "zod";
import type { ApiErrorBody } from "@/lib/http/schemas";

export type ErrorCode = ApiErrorBody["error"]["code"];

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: ApiErrorBody["error"]["details"];
  readonly headers?: Record<string, string>;
  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    details?: ApiErrorBody["error"]["details"],
    headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

export const badRequest = (message: string, details?: ApiErrorBody["error"]["details"]) =>
  new ApiError(400, "bad_request", message, details);

/** One line per zod issue: "title: title is required". */
export function zodDetails(err: ZodError): { path: string; message: string }[] {
  return err.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
}

export function fromZod(err: ZodError): ApiError {
  const details = zodDetails(err);
  const message = details
    .slice(0, 3)
    .map((d) => (d.path === "(root)" ? d.message : `${d.path}: ${d.message}`))
    .join("; ");
  return new ApiError(400, "validation_failed", message || "invalid input", details);
}
