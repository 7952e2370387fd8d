// Admin authentication: the admin token (ADMIN_TOKEN, else the data/admin-token file), constant-time
// comparison, and the session value stored in the httpOnly cookie.
//
// Comparisons hash both sides first (sha256) so timingSafeEqual always compares equal-length buffers
// and the time taken reveals neither the token's length nor a matching prefix.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { config } from "@/lib/config";

export const SESSION_COOKIE = "bugsift_admin";
export const SESSION_TTL_MS = 12 * 3600_000;

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

/** Key for session HMACs, derived from the token: rotating the token invalidates every session. */
function sessionKey(): Buffer {
  return createHmac("sha256", adminToken()).update("bugsift-session-v1").digest();
}

/** Cookie value "<expiresMs>.<hmac>"; holds no secret, only proof that the token was presented. */
export function createSession(now = Date.now()): { value: string; expiresAt: Date } {
  const exp = now + SESSION_TTL_MS;
  const mac = createHmac("sha256", sessionKey()).update(String(exp)).digest("base64url");
  return { value: `${exp}.${mac}`, expiresAt: new Date(exp) };
}

export function verifySession(value: string | null | undefined, now = Date.now()): boolean {
  if (!value || value.length > 200) return false;
  const m = /^(\d{10,16})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return false;
  const exp = Number(m[1]);
  const expected = createHmac("sha256", sessionKey()).update(m[1]!).digest("base64url");
  // Compare before checking expiry so timing does not depend on which check fails.
  const ok = safeEqual(m[2]!, expected);
  return ok && exp > now;
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

/** True when the request headers carry a valid admin token or session cookie. */
export function isAdmin(headers: { get(name: string): string | null }): boolean {
  const bearer = bearerToken(headers.get("authorization"));
  if (bearer !== null) return checkToken(bearer);
  return verifySession(cookieValue(headers.get("cookie"), SESSION_COOKIE));
}

/** Forget the cached token file contents (tests). */
export function resetAuthCache(): void {
  fileToken = null;
}
