// Who is calling: a session cookie (a signed-in account), a personal API token, or the bootstrap admin
// token (ADMIN_TOKEN, else the data/admin-token file), which acts as the system account "admin-token" so
// a fresh install can be administered before any account exists. Also the session cookie's attributes
// and the origin check that protects cookie-authenticated writes from cross-site requests.
//
// Comparisons hash both sides first (sha256) so timingSafeEqual always compares equal-length buffers
// and the time taken reveals neither the token's length nor a matching prefix.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { config } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/client";
import { BOOTSTRAP_ADMIN_LOGIN, systemActor, type Actor } from "@/lib/accounts/actor";
import { sessionActor } from "@/lib/accounts/sessions";
import { tokenActor } from "@/lib/accounts/tokens";

export const SESSION_COOKIE = "bugsift_session";

let fileToken: { file: string; token: string } | null = null;

/**
 * The admin token. ADMIN_TOKEN wins; otherwise data/admin-token (written by `npm run setup`). If the
 * file is missing it is created with a random value (mode 0600) so the admin area is never open; the
 * path — not the value — is logged.
 */
export function adminToken(): string {
  const cfg = config();
  if (cfg.adminToken) return cfg.adminToken;
  if (fileToken?.file === cfg.adminTokenFile) return fileToken.token;
  const file = cfg.adminTokenFile;
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(18).toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
      console.error(`bugsift: ADMIN_TOKEN is not set; created a random admin token in ${file}`);
    } catch (e) {
      // Another process created it first: use theirs.
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  const token = readFileSync(file, "utf8").trim();
  if (token.length < 8) throw new Error(`admin token file ${file} holds fewer than 8 characters`);
  fileToken = { file, token };
  return token;
}

function sha(s: string | Buffer): Buffer {
  return createHash("sha256").update(s).digest();
}

/** Constant-time string equality (via hashes, so lengths may differ). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha(a), sha(b));
}

export function checkToken(candidate: string | null | undefined): boolean {
  if (!candidate) return false;
  return safeEqual(candidate, adminToken());
}

/** Reads "Bearer <token>" from an Authorization header value. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/** Reads one cookie from a Cookie header. */
export function cookieValue(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Forget the cached token file contents (tests). */
export function resetAuthCache(): void {
  fileToken = null;
}

export type AuthVia = "anonymous" | "session" | "token" | "bootstrap";

export interface RequestAuth {
  actor: Actor | null;
  via: AuthVia;
  /** The session cookie's value when the caller came with a valid one (sign-out ends it). */
  sessionToken?: string;
  sessionId?: number;
  /** Why a presented credential was refused (bad bearer token, expired or unknown session). */
  refused?: string;
}

type Headers = { get(name: string): string | null };

/**
 * Resolves the caller. A bearer token must be valid (no fall-back to the cookie when it is not); a
 * session cookie that matches no live session leaves the caller anonymous, with `refused` saying why.
 */
export async function authenticate(db: PrismaClient, headers: Headers): Promise<RequestAuth> {
  const bearer = bearerToken(headers.get("authorization"));
  if (headers.get("authorization") !== null) {
    if (bearer !== null) {
      const viaToken = await tokenActor(db, bearer);
      if (viaToken && "refused" in viaToken) return { actor: null, via: "anonymous", refused: viaToken.refused };
      if (viaToken) return { actor: viaToken, via: "token" };
      if (checkToken(bearer)) return { actor: await systemActor(db, BOOTSTRAP_ADMIN_LOGIN, "admin"), via: "bootstrap" };
    }
    return { actor: null, via: "anonymous", refused: "the bearer token is not valid (revoked, unknown or malformed)" };
  }
  const cookie = cookieValue(headers.get("cookie"), SESSION_COOKIE);
  if (cookie) {
    const viaSession = await sessionActor(db, cookie);
    if (viaSession) return { actor: viaSession, via: "session", sessionToken: cookie, sessionId: viaSession.sessionId };
    return { actor: null, via: "anonymous", refused: "the session has ended or is not valid; sign in again" };
  }
  return { actor: null, via: "anonymous" };
}

/**
 * HTTPS as the client sees it: BUGSIFT_URL's scheme when set, else the request URL's, which Next.js builds
 * from x-forwarded-proto when a proxy terminates TLS. (A client that claims https over plain http only
 * gets a cookie its browser will not send back.)
 */
export function isSecureRequest(req: Request): boolean {
  const publicUrl = config().auth.publicUrl;
  if (publicUrl) return publicUrl.startsWith("https:");
  return new URL(req.url).protocol === "https:";
}

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (sent on the top-level redirect back from
 * an identity provider, withheld from cross-site subrequests and form posts), Secure behind HTTPS.
 */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`, ...(secure ? ["Secure"] : [])].join("; ");
}

export function clearSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(secure ? ["Secure"] : [])].join("; ");
}

/** The origin this server is reached at (BUGSIFT_URL, else the Host the client used). */
export function expectedHost(headers: Headers): string | null {
  const publicUrl = config().auth.publicUrl;
  if (publicUrl) return new URL(publicUrl).host;
  return (config().trustProxy ? headers.get("x-forwarded-host") : null) ?? headers.get("host");
}

/**
 * CSRF defence for state-changing requests: a request whose Origin is another site is refused; a
 * cookie-authenticated one must also say where it comes from (browsers send Origin on every POST,
 * PATCH and DELETE), so a missing Origin is refused too. Bearer-token callers carry no ambient
 * credential and are not checked. Returns the reason to refuse, or null.
 */
export function crossSiteProblem(req: Request, cookieAuthenticated: boolean): string | null {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return null;
  const origin = req.headers.get("origin");
  if (!origin || origin === "null") {
    return cookieAuthenticated ? "a cookie-authenticated write must carry an Origin header (cross-site request refused)" : null;
  }
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = null;
  }
  const host = expectedHost(req.headers);
  return originHost && host && originHost === host ? null : `cross-site request refused (Origin ${origin.slice(0, 100)})`;
}
