// Accounts on a test server, made over its HTTP API: the bootstrap admin token creates local accounts,
// which then sign in with their password (a session cookie) or create personal API tokens.
import assert from "node:assert/strict";
import type { Role, SessionResponse } from "@/lib/http/schemas";
import type { TestServer } from "@/lib/offline/app-server";
import { bearer, call } from "@/tests/helpers/api-client";

export interface TestAccount {
  login: string;
  password: string;
  role: Role;
}

let n = 0;

/** A new local account with `role` (login prefixed with `prefix`, unique per call). */
export async function createAccount(s: TestServer, role: Role, prefix: string = role): Promise<TestAccount> {
  const login = `${prefix}-${process.pid}-${++n}`;
  const password = `pw-${Math.random().toString(36).slice(2)}-long-enough`;
  const r = await call(s, "/api/admin/users", { method: "POST", headers: bearer(s), json: { login, password, role } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { login, password, role };
}

/** Signs in with a password; returns the Cookie header value of the new session. */
export async function signIn(s: TestServer, a: { login: string; password: string }): Promise<string> {
  const r = await call<SessionResponse>(s, "/api/auth/login", { method: "POST", json: { login: a.login, password: a.password } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return sessionCookie(r.res);
}

/** Signs in with the server's bootstrap admin token (POST /api/admin/login); returns the Cookie header value. */
export async function adminSession(s: TestServer): Promise<string> {
  const r = await call<SessionResponse>(s, "/api/admin/login", { method: "POST", json: { token: s.adminToken } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return sessionCookie(r.res);
}

function sessionCookie(res: Response): string {
  const setCookie = res.headers.get("set-cookie") ?? "";
  const m = /bugsift_session=([^;]+)/.exec(setCookie);
  assert.ok(m, `no session cookie in ${setCookie}`);
  return `bugsift_session=${m[1]}`;
}

/** Headers for a cookie-authenticated call from the app's own pages (same Origin, as a browser sends). */
export const sessionHeaders = (s: TestServer, cookie: string) => ({ cookie, origin: s.baseUrl });

/** A personal API token created by the session's account (with an expiry when `expiresAt` is given). */
export async function createToken(s: TestServer, cookie: string, role: Role, name = "test", expiresAt?: string): Promise<{ token: string; id: number }> {
  const json = { name, role, ...(expiresAt ? { expiresAt } : {}) };
  const r = await call<{ token: string; info: { id: number } }>(s, "/api/account/tokens", { method: "POST", headers: sessionHeaders(s, cookie), json });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { token: r.body.token, id: r.body.info.id };
}

/** A new account with `role`, signed in: the account, its session's Cookie header value, and headers for cookie calls. */
export async function signedInAccount(
  s: TestServer,
  role: Role,
  prefix: string = role,
): Promise<{ account: TestAccount; cookie: string; headers: Record<string, string> }> {
  const account = await createAccount(s, role, prefix);
  const cookie = await signIn(s, account);
  return { account, cookie, headers: sessionHeaders(s, cookie) };
}
