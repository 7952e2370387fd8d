// The role x route table (lib/http/access.ts) against the routes that exist and against a running server.
//
// 1. Every app/api/**/route.ts and every HTTP method it implements (found on disk) has a rule, and every
//    rule names a route and method that exist: a new route without a rule fails here.
// 2. Every caller kind — anonymous, viewer, triager and admin sessions, a triager-scoped API token, the
//    bootstrap admin token — calls every route and method over HTTP on a server where anonymous reading
//    is off: refused callers get 401 (no account) or 403 (role too low), allowed ones anything else.
//    Requests are shaped to stop right after authorization (malformed JSON, unknown ids, bad queries), so
//    the matrix has no side effects.
// 3. docs/auth.md carries the table exactly as lib/http/access.ts generates it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ACCESS, accessTableMarkdown, neededRole } from "@/lib/http/access";
import { roleAtLeast, type Role } from "@/lib/accounts/roles";
import { ROOT, type TestServer } from "@/lib/offline/app-server";
import { bearer } from "@/tests/helpers/api-client";
import { createAccount, createToken, sessionHeaders, signIn } from "@/tests/helpers/accounts";
import { useTestServer } from "@/tests/helpers/suite";

const API_DIR = path.join(ROOT, "app/api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** [pattern, methods it implements] for every route file, from the filesystem. */
function routesOnDisk(): [string, (typeof METHODS)[number][]][] {
  const out: [string, (typeof METHODS)[number][]][] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "route.ts") {
        const src = readFileSync(p, "utf8");
        // `export const GET = route(...)` implements GET; `export const { PUT, ... } = otherMethods(...)` are 405s.
        const methods = METHODS.filter((m) => new RegExp(`^export const ${m}\\s*=`, "m").test(src));
        out.push(["/" + path.relative(path.join(ROOT, "app"), path.dirname(p)).split(path.sep).join("/"), methods]);
      }
    }
  };
  walk(API_DIR);
  return out.sort();
}

test("every API route and method has an access rule, and every rule a route", () => {
  const onDisk = routesOnDisk();
  assert.ok(onDisk.length > 20, `found only ${onDisk.length} route files under ${API_DIR}`);
  const missing: string[] = [];
  for (const [pattern, methods] of onDisk) {
    for (const m of methods) if (!ACCESS[pattern]?.[m]) missing.push(`${m} ${pattern}`);
  }
  assert.deepEqual(missing, [], `no rule in lib/http/access.ts for: ${missing.join(", ")}`);
  const stale: string[] = [];
  const disk = new Map(onDisk);
  for (const [pattern, rules] of Object.entries(ACCESS)) {
    for (const m of Object.keys(rules) as (typeof METHODS)[number][]) if (!disk.get(pattern)?.includes(m)) stale.push(`${m} ${pattern}`);
  }
  assert.deepEqual(stale, [], `rules for routes or methods that do not exist: ${stale.join(", ")}`);
});

test("docs/auth.md carries the access table as generated", () => {
  const doc = readFileSync(path.join(ROOT, "docs/auth.md"), "utf8");
  assert.ok(doc.includes(accessTableMarkdown()), "docs/auth.md is out of date: paste the output of `npx tsx scripts/access-table.ts`");
});

// Many sign-ins from one address (each sign-out-everywhere is followed by fresh ones): lift the login limit.
const server = useTestServer({ seed: "demo", env: { BUGSIFT_PUBLIC_READ: "false", LOGIN_ATTEMPTS_PER_MIN: "1000" } });

interface Caller {
  name: string;
  /** The role the caller acts with; null = anonymous. */
  role: Role | null;
  headers: () => Promise<Record<string, string>>;
}

/** A concrete request for a pattern that stops after authorization. */
function probe(s: TestServer, pattern: string, method: string): { url: string; init: RequestInit } {
  const url = pattern
    .replace("[...path]", "no/such/route")
    .replace("[provider]", "oidc")
    .replace(/\[[^\]]+\]/g, "999999");
  const query = method === "GET" ? "?limit=-1&threshold=nope&k=0&kind=nope" : "";
  const init: RequestInit = { method };
  if (method !== "GET") {
    init.headers = { "content-type": "application/json" };
    init.body = "{not json";
  }
  return { url: new URL(url + query, s.baseUrl).href, init };
}

/** Routes that end the caller's session: the caller signs in again after each. */
const ENDS_SESSION = new Set(["/api/auth/logout", "/api/auth/logout-all", "/api/admin/logout"]);

test("every caller against every route: 401 without an account, 403 below the rule's role, through otherwise", { timeout: 10 * 60_000 }, async (t) => {
  const s = server(t);
  if (!s) return;
  const accounts = {
    viewer: await createAccount(s, "viewer"),
    triager: await createAccount(s, "triager"),
    admin: await createAccount(s, "admin"),
  };
  const cookies: Record<string, string> = {};
  for (const [role, a] of Object.entries(accounts)) cookies[role] = await signIn(s, a);
  const triagerToken = (await createToken(s, cookies.triager!, "triager", "matrix")).token;

  const session = (role: keyof typeof accounts) => ({
    name: `${role} session`,
    role,
    // Signing out everywhere ends the caller's other session too: sign in again afterwards.
    renew: async () => {
      cookies[role] = await signIn(s, accounts[role]);
    },
    headers: async () => sessionHeaders(s, cookies[role]!),
  });
  const callers: (Caller & { renew?: () => Promise<void> })[] = [
    { name: "anonymous", role: null, headers: async () => ({}) },
    session("viewer"),
    session("triager"),
    session("admin"),
    { name: "triager API token", role: "triager", headers: async () => ({ authorization: `Bearer ${triagerToken}` }) },
    { name: "bootstrap admin token", role: "admin", headers: async () => bearer(s) },
  ];

  const wrong: string[] = [];
  let calls = 0;
  for (const [pattern, rules] of Object.entries(ACCESS)) {
    for (const [method, rule] of Object.entries(rules)) {
      const needed = neededRole(rule, false);
      for (const c of callers) {
        const { url, init } = probe(s, pattern, method);
        const res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(await c.headers()) }, redirect: "manual" });
        const text = await res.text();
        // (A token acts as its owner, so its sign-out-everywhere ends the owner's session as well.)
        if (ENDS_SESSION.has(pattern)) for (const x of callers) await x.renew?.();
        calls++;
        const allowed = needed === null || (c.role !== null && roleAtLeast(c.role, needed));
        const expected = allowed ? "through" : c.role === null ? 401 : 403;
        const ok = allowed ? res.status !== 401 && res.status !== 403 : res.status === expected;
        if (!ok) wrong.push(`${c.name} ${method} ${pattern} (rule ${rule}): expected ${expected}, got ${res.status} ${text.slice(0, 160)}`);
      }
    }
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${calls} calls answered against the table:\n${wrong.join("\n")}`);
});
