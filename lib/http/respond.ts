// JSON responses and the mapping from thrown errors to error bodies. 500s never carry the original
// message (it may contain paths, SQL or secrets); the full error is logged server-side instead.
import { ZodError } from "zod";
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from "@/lib/domain/errors";
import { ApiError, fromZod, type ErrorCode } from "@/lib/http/errors";
import type { ApiErrorBody } from "@/lib/http/schemas";

const NO_STORE = { "cache-control": "no-store" };

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...NO_STORE, ...headers },
  });
}

export function errorBody(code: ApiErrorBody["error"]["code"], message: string, details?: ApiErrorBody["error"]["details"]): ApiErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** The one place a domain error becomes an HTTP status. */
const STATUS: [new (...a: never[]) => DomainError, number, ErrorCode][] = [
  [NotFoundError, 404, "not_found"],
  [ForbiddenError, 403, "forbidden"],
  [ConflictError, 409, "conflict"],
  [ValidationError, 400, "validation_failed"],
  [InvalidInputError, 400, "bad_request"],
  [UnavailableError, 503, "unavailable"],
];

function fromDomain(err: DomainError): ApiError | null {
  const hit = STATUS.find(([cls]) => err instanceof cls);
  return hit ? new ApiError(hit[1], hit[2], err.message, err.details) : null;
}

/** An expected failure as an HTTP error (status, code, message); null for a bug (an unexpected error). */
export function asApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof ZodError) return fromZod(err);
  if (err instanceof DomainError) return fromDomain(err);
  return null;
}

export function errorResponse(err: unknown, where = "api"): Response {
  const api = asApiError(err);
  if (api) return json(errorBody(api.code, api.message, api.details), api.status, api.headers);
  console.error(`[${where}] unhandled error:`, err);
  return json(errorBody("internal", "internal server error"), 500);
}
