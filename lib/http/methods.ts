// 405 answers for the methods a route does not implement. Next.js's own 405 has an empty body and no
// Allow header; a route file instead exports these handlers for its missing methods:
//
//   export const GET = route(...);
//   export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
//
// OPTIONS is included because Next.js derives its automatic OPTIONS `Allow` list from the exported
// handlers, which would then wrongly include the 405 ones.
//
// Admin routes pass `{ admin: true }`: an unauthenticated caller gets the same 401 whatever the method, so
// the method list (and whether a route exists behind the method) is only told to an admin.
import { route } from "@/lib/http/handler";
import { errorBody, json } from "@/lib/http/respond";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
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

export interface OtherMethodsOptions {
  /** The route is admin-only: check the admin token before answering 405 or OPTIONS. */
  admin?: boolean;
}

export function otherMethods<const A extends readonly HttpMethod[]>(allowed: A, opts: OtherMethodsOptions = {}): Record<Others<A[number]>, RouteFn> {
  if (allowed.length === 0) throw new Error("otherMethods: a route must allow at least one method");
  const allow = allowHeader(allowed);
  const guarded = (answer: RouteFn): RouteFn => (opts.admin ? route(answer, { admin: true }) : answer);
  const out: Record<string, RouteFn> = {
    OPTIONS: guarded(async () => new Response(null, { status: 204, headers: { allow } })),
  };
  for (const m of ALL) {
    if (allowed.includes(m as HttpMethod) || (m === "HEAD" && allowed.includes("GET"))) continue;
    out[m] = guarded(async (req) => methodNotAllowed(req, allowed));
  }
  return out as Record<Others<A[number]>, RouteFn>;
}
