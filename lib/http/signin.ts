// The browser side of provider sign-in: the redirect URI, and the short-lived cookie that carries the
// pending flow (state, nonce, PKCE verifier) from /api/auth/<provider>/start to its callback. The cookie is
// HttpOnly and SameSite=Lax (it must come back on the provider's top-level redirect); its values only
// matter to the browser that started the flow.
import { config } from "@/lib/config";
import { PROVIDERS, type PendingSignIn, type ProviderId } from "@/lib/accounts/oauth";
import { cookieValue, isSecureRequest } from "@/lib/http/auth";
import { ApiError } from "@/lib/http/errors";

export const PENDING_COOKIE = "bugsift_signin";
const PENDING_TTL_SEC = 600;

export function providerParam(params: Record<string, string | string[] | undefined>): ProviderId {
  const p = params.provider;
  if (typeof p === "string" && (PROVIDERS as readonly string[]).includes(p)) return p as ProviderId;
  throw new ApiError(404, "not_found", `unknown sign-in provider ${JSON.stringify(p ?? "")} (known: ${PROVIDERS.join(", ")})`);
}

/**
 * The origin the browser reached us at: BUGSIFT_URL, else the request's scheme with the Host header it
 * sent (Next.js may report its own listen address in req.url, which the browser never used).
 */
export function requestOrigin(req: Request): string {
  const publicUrl = config().auth.publicUrl;
  if (publicUrl) return publicUrl;
  const url = new URL(req.url);
  return `${url.protocol}//${req.headers.get("host") ?? url.host}`;
}

/** The address the provider sends the browser back to; register exactly this at the provider. */
export function redirectUri(req: Request, provider: ProviderId): string {
  return `${requestOrigin(req)}/api/auth/${provider}/callback`;
}

export function pendingCookie(req: Request, pending: PendingSignIn): string {
  const value = Buffer.from(JSON.stringify(pending)).toString("base64url");
  return [`${PENDING_COOKIE}=${value}`, "Path=/api/auth", "HttpOnly", "SameSite=Lax", `Max-Age=${PENDING_TTL_SEC}`, ...(isSecureRequest(req) ? ["Secure"] : [])].join("; ");
}

export function clearPendingCookie(req: Request): string {
  return [`${PENDING_COOKIE}=`, "Path=/api/auth", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(isSecureRequest(req) ? ["Secure"] : [])].join("; ");
}

export function readPending(req: Request, provider: ProviderId): PendingSignIn | null {
  const raw = cookieValue(req.headers.get("cookie"), PENDING_COOKIE);
  if (!raw || raw.length > 4000) return null;
  try {
    const p = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as PendingSignIn;
    return p && p.provider === provider && typeof p.state === "string" && typeof p.codeVerifier === "string" && typeof p.returnTo === "string" ? p : null;
  } catch {
    return null;
  }
}

/** A 303 to a path on this site, with cookies to set (a Headers object, since there may be two). */
export function redirectTo(req: Request, pathAndQuery: string, cookies: string[]): Response {
  const headers = new Headers({ location: new URL(pathAndQuery, requestOrigin(req)).href, "cache-control": "no-store" });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(null, { status: 303, headers });
}
