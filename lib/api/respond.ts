// JSON responses and the mapping from thrown errors to error bodies. 500s never carry the original
// message (it may contain paths, SQL or secrets); the full error is logged server-side instead.
import { ZodError } from "zod";
import { ActorError } from "@/lib/auth/actor";
import { ApiError, fromZod } from "@/lib/api/errors";
import type { ApiErrorBody } from "@/lib/api/schemas";

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

export function errorResponse(err: unknown, where = "api"): Response {
  if (err instanceof ZodError) err = fromZod(err);
  if (err instanceof ActorError) err = new ApiError(400, "validation_failed", err.message, [{ path: "actor", message: err.message }]);
  if (err instanceof ApiError) {
    return json(errorBody(err.code, err.message, err.details), err.status, err.headers);
  }
  console.error(`[${where}] unhandled error:`, err);
  return json(errorBody("internal", "internal server error"), 500);
}
