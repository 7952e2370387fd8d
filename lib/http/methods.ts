// 405 answers for the methods a route does not implement. Next.js's own 405 has an empty body and no
// Allow header; a route file instead exports these handlers for its missing methods:
//
//   export const GET = route(...);
//   export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
//
// OPTIONS is included because Next.js derives its automatic OPTIONS `Allow` list from the exported
// handlers, which would then wrongly include the 405 ones.
//
// The access table (lib/http/access.ts) is asked first: only a caller the route admits for one of the methods it
// implements hears the method list (405, OPTIONS); anyone else gets the 401/403 they would get for that method,
// so an admin route tells an anonymous caller nothing, whatever the method.
import type { HttpMethod } from "@/lib/http/access";
import { authorize } from "@/lib/http/handler";
import { errorBody, errorResponse, json } from "@/lib/http/respond";

type RouteFn = (req: Request) => Promise<Response>;
/** The methods `otherMethods(allowed)` answers: every other one (HEAD only when GET is missing), plus OPTIONS. */
type Others<A extends HttpMethod> = Exclude<HttpMethod | "HEAD", A | ("GET" extends A ? "HEAD" : never)> | "OPTIONS";

const ALL: readonly (HttpMethod | "HEAD")[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/** The Allow header value for a route implementing `allowed` (HEAD comes with GET; OPTIONS always). */
export function allowHeader(allowed: readonly HttpMethod[]): string {
  const set = new Set<string>(allowed);
  if (set.has("GET")) set.add("HEAD");
  return [...ALL.filter((m) => set.has(m)), "OPTIONS"].join(", ");
}

export function methodNotAllowed(req: Request, allowed: readonly HttpMethod[]): Response {
  const allow = allowHeader(allowed);
  return json(errorBody("method_not_allowed", `method ${req.method} is not allowed here; use ${allow}`), 405, { allow });
}

/** Whether the access table admits this caller for any of `allowed` on the request's path; else the first refusal. */
async function admittedForAny(req: Request, allowed: readonly HttpMethod[]): Promise<unknown> {
  const headers = new Headers(req.headers);
  headers.delete("content-length");
  headers.delete("transfer-encoding");
  let refusal: unknown = null;
  for (const method of allowed) {
    try {
      await authorize(new Request(req.url, { method, headers }));
      return null;
    } catch (err) {
      refusal ??= err;
    }
  }
  return refusal;
}

export function otherMethods<const A extends readonly HttpMethod[]>(allowed: A): Record<Others<A[number]>, RouteFn> {
  if (allowed.length === 0) throw new Error("otherMethods: a route must allow at least one method");
  const allow = allowHeader(allowed);
  const guarded =
    (answer: RouteFn): RouteFn =>
    async (req) => {
      const refusal = await admittedForAny(req, allowed);
      return refusal === null ? answer(req) : errorResponse(refusal, new URL(req.url).pathname);
    };
  const out: Record<string, RouteFn> = {
    OPTIONS: guarded(async () => new Response(null, { status: 204, headers: { allow } })),
  };
  for (const m of ALL) {
    if (allowed.includes(m as HttpMethod) || (m === "HEAD" && allowed.includes("GET"))) continue;
    out[m] = guarded(async (req) => methodNotAllowed(req, allowed));
  }
  return out as Record<Others<A[number]>, RouteFn>;
}
