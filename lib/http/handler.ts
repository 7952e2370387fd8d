// The wrapper every route handler goes through: optional admin auth, optional per-IP rate limit,
// and uniform error bodies. Uses only web-standard Request/Response (no Next.js imports), so it is
// exercised the same way from tests.
import { config } from "@/lib/config";
import { isAdmin } from "@/lib/http/auth";
import { ApiError } from "@/lib/http/errors";
import { clientKey, TokenBucketLimiter } from "@/lib/http/ratelimit";
import { errorResponse } from "@/lib/http/respond";

export interface HandlerOptions {
  /** Require the admin token or session cookie. */
  admin?: boolean;
  /** Count against the public per-IP rate limit. */
  rateLimited?: boolean;
  /** Name used in server logs. */
  name?: string;
}

type Params = Record<string, string | string[] | undefined>;
export type RouteContext = { params: Promise<Params> };
export type Handler = (req: Request, params: Params) => Promise<Response>;

const g = globalThis as unknown as { __bugsiftLimiter?: TokenBucketLimiter | null };

function limiter(): TokenBucketLimiter | null {
  if (g.__bugsiftLimiter === undefined) {
    const cfg = config();
    g.__bugsiftLimiter = cfg.rateLimitPerMin > 0 ? new TokenBucketLimiter(cfg.rateLimitPerMin, cfg.rateLimitBurst) : null;
  }
  return g.__bugsiftLimiter;
}

export function requireAdmin(req: Request): void {
  // Cookie sessions on state-changing requests: refuse cross-origin senders (SameSite=Strict
  // already withholds the cookie; this is the second line of defence).
  if (req.method !== "GET" && req.method !== "HEAD" && !req.headers.get("authorization")) {
    const origin = req.headers.get("origin");
    const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
    if (origin && origin !== "null" && host) {
      let originHost = "";
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = "";
      }
      if (originHost !== host) throw new ApiError(401, "unauthorized", "cross-origin admin request refused");
    }
  }
  if (!isAdmin(req.headers)) {
    throw new ApiError(401, "unauthorized", "admin token required (Authorization: Bearer <token> or log in)", undefined, {
      "www-authenticate": 'Bearer realm="bugsift-admin"',
    });
  }
}

export function checkRateLimit(req: Request): void {
  const l = limiter();
  if (!l) return;
  const r = l.take(clientKey(req.headers, config().trustProxy));
  if (!r.ok) {
    throw new ApiError(429, "rate_limited", `too many requests; retry in ${r.retryAfterSec}s`, { retryAfterSec: r.retryAfterSec }, {
      "retry-after": String(r.retryAfterSec),
    });
  }
}

/** Wraps a handler for `export const GET = route(...)`. */
export function route(fn: Handler, opts: HandlerOptions = {}) {
  return async (req: Request, ctx?: RouteContext): Promise<Response> => {
    try {
      if (opts.admin) requireAdmin(req);
      if (opts.rateLimited) checkRateLimit(req);
      const params = ctx?.params ? await ctx.params : {};
      return await fn(req, params);
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
