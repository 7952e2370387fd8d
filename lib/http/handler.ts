// The wrapper every route handler goes through: access control from the one table (lib/http/access.ts),
// the cross-site check for writes, optional per-IP rate limit (lib/http/ratelimit.ts), and uniform error
// bodies. Uses only web-standard Request/Response (no Next.js imports), so it is exercised the same way from tests.
import { config } from "@/lib/config";
import { roleAtLeast } from "@/lib/accounts/roles";
import { accessRule, neededRole } from "@/lib/http/access";
import { authenticate, cookieValue, crossSiteProblem, SESSION_COOKIE, type RequestAuth } from "@/lib/http/auth";
import { ApiError } from "@/lib/http/errors";
import { serverRequestLimits } from "@/lib/http/ratelimit";
import { errorResponse } from "@/lib/http/respond";
import { serverCore } from "@/lib/runtime/server";

export interface HandlerOptions {
  /** Count against the public per-IP rate limit. */
  rateLimited?: boolean;
  /** Name used in server logs. */
  name?: string;
}

type Params = Record<string, string | string[] | undefined>;
export type RouteContext = { params: Promise<Params> };
export type Handler = (req: Request, params: Params, auth: RequestAuth) => Promise<Response>;

/**
 * Who the caller is and whether the table lets them in: 401 when an account is needed and none was
 * shown (or the one shown was refused), 403 when the account's role is too low or a cookie write comes
 * from another site. A path/method without a rule is refused (403): new routes are closed until listed.
 */
export async function authorize(req: Request): Promise<RequestAuth> {
  const pathname = new URL(req.url).pathname;
  const rule = accessRule(req.method, pathname);
  if (rule === null) throw new ApiError(403, "forbidden", `no access rule for ${req.method} ${pathname.slice(0, 200)} (lib/http/access.ts)`);
  const hasCredential = req.headers.get("authorization") !== null || cookieValue(req.headers.get("cookie"), SESSION_COOKIE) !== null;
  const needed = neededRole(rule, config().auth.publicRead);
  const auth: RequestAuth = hasCredential ? await authenticate(serverCore().db, req.headers) : { actor: null, via: "anonymous" };
  const crossSite = crossSiteProblem(req, auth.via === "session");
  if (crossSite) throw new ApiError(403, "forbidden", crossSite);
  // A bad bearer token is refused even where anonymous callers may read: a script with a revoked token
  // should hear so, not silently read as anonymous. (A stale cookie on a public page just reads anonymously.)
  const badBearer = auth.refused !== undefined && req.headers.get("authorization") !== null;
  if (badBearer && rule !== "public" && rule !== "signature") {
    throw new ApiError(401, "unauthorized", auth.refused!, undefined, { "www-authenticate": 'Bearer realm="bugsift", error="invalid_token"' });
  }
  if (needed === null) return auth;
  if (!auth.actor) {
    throw new ApiError(401, "unauthorized", auth.refused ?? "sign in or send Authorization: Bearer <token>", undefined, {
      "www-authenticate": 'Bearer realm="bugsift"',
    });
  }
  if (!roleAtLeast(auth.actor.role, needed)) {
    throw new ApiError(403, "forbidden", `${auth.actor.login} is a ${auth.actor.role}; this needs ${needed === "viewer" ? "an account" : `the ${needed} role`}`);
  }
  return auth;
}

/** Wraps a handler for `export const GET = route(...)`. */
export function route(fn: Handler, opts: HandlerOptions = {}) {
  return async (req: Request, ctx?: RouteContext): Promise<Response> => {
    try {
      const auth = await authorize(req);
      if (opts.rateLimited) serverRequestLimits().checkRequest(req.headers);
      const params = ctx?.params ? await ctx.params : {};
      return await fn(req, params, auth);
    } catch (err) {
      return errorResponse(err, opts.name ?? new URL(req.url).pathname);
    }
  };
}

/** A single path segment param as a positive integer id, else 400. */
export function idParam(params: Params, name = "id"): number {
  const raw = params[name];
  const s = Array.isArray(raw) ? raw[0] : raw;
  if (!s || !/^\d{1,10}$/.test(s) || Number(s) < 1 || Number(s) > 2 ** 31 - 1) {
    throw new ApiError(400, "bad_request", `${name} must be a positive integer (got ${JSON.stringify(s ?? "")})`);
  }
  return Number(s);
}
