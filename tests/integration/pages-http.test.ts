// What a new user meets over plain HTTP, against a real `next start` server on the demo corpus: page statuses
// (unknown reports are 404, not a 200 "not found" page), page titles, home-page examples taken from the loaded
// corpus, admin routes refusing unauthenticated callers before anything else, the keys of filed reports, and the
// admin's overview of live API tokens, the audit log (API and page) and an admin setting a lost password.
//
//   node --import tsx --test tests/integration/pages-http.test.ts
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "@/lib/offline/app-server";
import type { ApiErrorBody, ListReportsResponse, ReportResponse } from "@/lib/http/schemas";
import { bearer, call } from "@/tests/helpers/api-client";
import { adminSession, createToken, sessionHeaders, signedInAccount, signIn } from "@/tests/helpers/accounts";
import { useTestServer } from "@/tests/helpers/suite";

// No rate limit: the key test files reports concurrently from one address.
const server = useTestServer({ seed: "demo", env: { RATE_LIMIT_PER_MIN: "0" } });

async function page(s: { api: (p: string, init?: RequestInit) => Promise<Response> }, p: string): Promise<{ status: number; html: string }> {
  const res = await s.api(p, { redirect: "manual" });
  return { status: res.status, html: await res.text() };
}

/** The document's <title>, entities decoded (React escapes the few that matter here). */
function titleOf(html: string): string {
  const m = /<title>([^<]*)<\/title>/.exec(html);
  assert.ok(m, "the page has a <title>");
  return m[1]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

async function firstReport(s: Parameters<typeof call>[0]): Promise<ListReportsResponse["reports"][number]> {
  const r = await call<ListReportsResponse>(s, "/api/reports?limit=1");
  assert.equal(r.status, 200);
  return r.body.reports[0]!;
}

describe("pages over HTTP", () => {
  test("an unknown or malformed report id answers 404 with the not-found page; a known one 200", async (t) => {
    const s = server(t);
    if (!s) return;
    for (const p of ["/reports/abc", "/reports/999999", "/reports/0", "/reports/-1", "/reports/1.5", "/reports/99999999999", "/no/such/page"]) {
      const { status, html } = await page(s, p);
      assert.equal(status, 404, `${p} -> ${status}`);
      assert.match(html, /Page not found/, `${p} shows the not-found page`);
    }
    const known = await firstReport(s);
    const { status, html } = await page(s, `/reports/${known.id}`);
    assert.equal(status, 200);
    assert.ok(html.includes(known.title.slice(0, 30).replace(/&/g, "&amp;")), "the report page shows the report");
  });

  test("every page has its own tab title", async (t) => {
    const s = server(t);
    if (!s) return;
    const known = await firstReport(s);
    const cases: [string, string][] = [
      ["/", "bugsift — Search"],
      ["/?q=late%20notifications", "“late notifications” — bugsift search"],
      ["/check", "Check a new report — bugsift"],
      ["/admin", "Admin — bugsift"],
      [`/reports/${known.id}`, `${known.externalId}: ${known.title.slice(0, 80)} — bugsift`],
      ["/reports/999999", "Page not found — bugsift"],
      ["/no/such/page", "Page not found — bugsift"],
    ];
    for (const [p, want] of cases) assert.equal(titleOf((await page(s, p)).html), want, p);
  });

  test("the home page's example searches come from the loaded corpus (its most duplicated reports), not another product", async (t) => {
    const s = server(t);
    if (!s) return;
    const { html } = await page(s, "/");
    const examples = [...html.matchAll(/data-testid="example-search"[^>]*>([^<]+)</g)].map((m) => m[1]!.replace(/&amp;/g, "&").replace(/&#x27;/g, "'"));
    assert.ok(examples.length >= 3, `expected example searches, got ${JSON.stringify(examples)}`);
    const titles: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const r = await call<ListReportsResponse>(s, `/api/reports?limit=100&offset=${offset}`);
      titles.push(...r.body.reports.map((x) => x.title));
      if (offset + 100 >= r.body.total) break;
    }
    for (const ex of examples) assert.ok(titles.some((ti) => ti.startsWith(ex)), `example "${ex}" is the start of a title in the corpus`);
    // Each example finds its report, i.e. it is a useful first search.
    const hit = await call<{ results: { report: { title: string } }[] }>(s, `/api/search?q=${encodeURIComponent(examples[0]!)}&limit=5`);
    assert.equal(hit.status, 200);
    assert.ok(hit.body.results.some((r) => r.report.title.startsWith(examples[0]!)), `"${examples[0]}" finds its report in the top 5`);
    // The demo corpus is "Harbor": nothing from the Hadoop trackers the examples used to be about.
    const check = await page(s, "/check");
    for (const [p, text] of [["/", html], ["/check", check.html]] as const) {
      assert.doesNotMatch(text, /hadoop|namenode|datanode|kerberos|edit log/i, `${p} mentions another product`);
    }
  });
});

describe("admin routes", () => {
  /** Every admin route file under app/api/admin, as a URL path ([id] segments filled with 1). */
  function adminRoutes(): string[] {
    const base = path.join(ROOT, "app/api/admin");
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name === "route.ts") out.push("/api/admin/" + path.relative(base, dir).split(path.sep).map((seg) => (/^\[.+\]$/.test(seg) ? "1" : seg)).join("/"));
      }
    };
    walk(base);
    return out.sort();
  }
  const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
  // Signing in and out is what an unauthenticated caller does.
  const OPEN = new Set(["/api/admin/login", "/api/admin/logout"]);

  test("an unauthenticated caller gets 401 from every admin route, whatever the method; 405 is for admins only", async (t) => {
    const s = server(t);
    if (!s) return;
    const routes = adminRoutes().filter((r) => !OPEN.has(r));
    assert.ok(routes.length >= 10, `found the admin routes: ${routes.join(", ")}`);
    const wrong: string[] = [];
    const allowedFor = new Map<string, string>();
    for (const p of routes) {
      for (const method of METHODS) {
        for (const headers of [{}, { authorization: "Bearer wrong-token" }] as Record<string, string>[]) {
          const res = await s.api(p, { method, headers, redirect: "manual" });
          const text = await res.text();
          if (res.status !== 401) wrong.push(`${method} ${p} ${JSON.stringify(headers)} -> ${res.status}`);
          else if (method !== "HEAD" && (JSON.parse(text) as ApiErrorBody).error.code !== "unauthorized") wrong.push(`${method} ${p}: body ${text.slice(0, 80)}`);
        }
      }
      // An admin learns the methods: OPTIONS lists them, any other method is a 405 with the same list.
      const opt = await s.api(p, { method: "OPTIONS", headers: bearer(s) });
      assert.equal(opt.status, 204, `OPTIONS ${p} as admin`);
      allowedFor.set(p, opt.headers.get("allow") ?? "");
    }
    assert.deepEqual(wrong, []);
    const sweep = await call<ApiErrorBody>(s, "/api/admin/sweep", { method: "POST", headers: bearer(s) });
    assert.equal(sweep.status, 405);
    assert.equal(sweep.body.error.code, "method_not_allowed");
    assert.equal(sweep.res.headers.get("allow"), allowedFor.get("/api/admin/sweep"));
    const reindex = await call<ApiErrorBody>(s, "/api/admin/reindex", { method: "GET", headers: bearer(s) });
    assert.equal(reindex.status, 405);
    // Sign-in stays reachable without a token: a wrong method there is a plain 405.
    assert.equal((await s.api("/api/admin/login", { method: "GET" })).status, 405);
  });
});

describe("reports filed in bugsift", () => {
  test("get readable sequential keys (BS-1, BS-2, …), distinct under concurrent filing", async (t) => {
    const s = server(t);
    if (!s) return;
    const file = (i: number) =>
      call<ReportResponse>(s, "/api/reports", {
        method: "POST",
        headers: bearer(s),
        json: { title: `Filed from the check page ${i}`, description: "keys test", product: "Harbor Desktop" },
      });
    const first = await file(0);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const m = /^BS-(\d+)$/.exec(first.body.report.externalId ?? "");
    assert.ok(m, `key ${first.body.report.externalId} looks like BS-<n>`);
    const start = Number(m[1]);

    const N = 12;
    const all = await Promise.all(Array.from({ length: N }, (_, i) => file(i + 1)));
    for (const r of all) assert.equal(r.status, 201, JSON.stringify(r.body));
    const numbers = all.map((r) => Number(/^BS-(\d+)$/.exec(r.body.report.externalId ?? "")?.[1])).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: N }, (_, i) => start + 1 + i), "concurrent filings take the next numbers, each once");

    // A key given by the caller is kept; the sequence is not consumed by it.
    const own = await call<ReportResponse>(s, "/api/reports", { method: "POST", headers: bearer(s), json: { title: "Imported by hand", externalId: "HBR-9999" } });
    assert.equal(own.status, 201);
    assert.equal(own.body.report.externalId, "HBR-9999");
    // A generated key already taken by a report of the same source is skipped, not a conflict.
    const taken = await call<ReportResponse>(s, "/api/reports", { method: "POST", headers: bearer(s), json: { title: "Squatter", externalId: `BS-${start + N + 1}` } });
    assert.equal(taken.status, 201);
    const next = await file(99);
    assert.equal(next.status, 201, JSON.stringify(next.body));
    assert.equal(next.body.report.externalId, `BS-${start + N + 2}`);
  });
});

describe("the admin's users page", () => {
  test("lists every account's live API tokens with owner and expiry; revoked ones are not listed", async (t) => {
    const s = server(t);
    if (!s) return;
    const { account, cookie } = await signedInAccount(s, "triager", "tokens-page");
    const expiresAt = "2031-03-15T12:30:00Z";
    const dated = await createToken(s, cookie, "viewer", "with-expiry", expiresAt);
    const plain = await createToken(s, cookie, "triager", "no-expiry");
    const gone = await createToken(s, cookie, "viewer", "revoked-one");
    const revoked = await call(s, `/api/account/tokens/${gone.id}`, { method: "DELETE", headers: sessionHeaders(s, cookie) });
    assert.equal(revoked.status, 200);

    const admin = await adminSession(s);
    const { status, html } = await page({ api: (p, init) => s.api(p, { ...init, headers: { cookie: admin } }) }, "/admin/users");
    assert.equal(status, 200);
    const row = (id: number) => new RegExp(`<tr data-token-id="${id}">(.*?)</tr>`).exec(html)?.[1] ?? "";
    const cells = (id: number) => [...row(id).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<!-- -->/g, ""));
    assert.deepEqual(cells(dated.id).filter((_, i) => i !== 2 && i !== 4), [account.login, "with-expiry", "viewer", "Mar 15, 2031, 12:30 UTC"]);
    assert.deepEqual(cells(plain.id).filter((_, i) => i !== 2 && i !== 4), [account.login, "no-expiry", "triager", "never"]);
    assert.equal(row(gone.id), "", "a revoked token is not listed");
  });
});

describe("audit log", () => {
  interface AuditPage {
    events: { id: number; action: string; target: string | null; actor: string; detail: unknown }[];
    before: number | null;
  }

  test("the API filters by action and account and pages by cursor; the page lists the same, for admins only", async (t) => {
    const s = server(t);
    if (!s) return;
    // Events by two accounts: the bootstrap token (system account admin-token) and a signed-in admin.
    const { account: other, cookie: otherCookie } = await signedInAccount(s, "admin", "auditor");
    const created = await call<{ user: { id: number } }>(s, "/api/admin/users", {
      method: "POST",
      headers: sessionHeaders(s, otherCookie),
      json: { login: `audited-${process.pid}`, password: "a-long-enough-password", role: "viewer" },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const userId = created.body.user.id;
    assert.equal((await call(s, `/api/admin/users/${userId}`, { method: "PATCH", headers: bearer(s), json: { role: "triager" } })).status, 200);

    const byAction = await call<AuditPage>(s, "/api/admin/audit?action=user.update", { headers: bearer(s) });
    assert.equal(byAction.status, 200, JSON.stringify(byAction.body));
    assert.ok(byAction.body.events.length >= 1);
    assert.ok(byAction.body.events.every((e) => e.action === "user.update"), JSON.stringify(byAction.body.events));
    assert.deepEqual(byAction.body.events[0], { ...byAction.body.events[0]!, target: String(userId), actor: "admin-token", detail: { role: "triager" } });

    const byActor = await call<AuditPage>(s, `/api/admin/audit?actor=${other.login}`, { headers: bearer(s) });
    assert.deepEqual(byActor.body.events.map((e) => [e.action, e.target]), [["user.create", String(userId)]], "only the other admin's one event");

    // Paging: one event per page, each page older than the last, no event twice.
    const seen: number[] = [];
    let before: number | null = null;
    for (let i = 0; i < 3; i++) {
      const pageRes: Awaited<ReturnType<typeof call<AuditPage>>> = await call<AuditPage>(s, `/api/admin/audit?limit=1${before ? `&before=${before}` : ""}`, { headers: bearer(s) });
      assert.equal(pageRes.body.events.length, 1);
      seen.push(pageRes.body.events[0]!.id);
      before = pageRes.body.before;
      assert.equal(before, seen[seen.length - 1]);
    }
    assert.deepEqual(seen, [...seen].sort((a, b) => b - a));
    assert.equal(new Set(seen).size, 3);

    const bad = await call<ApiErrorBody>(s, "/api/admin/audit?action=drop.tables", { headers: bearer(s) });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /action must be one of/);

    // The page: rows for the filtered action only, the account's login on each; viewers are turned away.
    const admin = await adminSession(s);
    const asAdmin = { api: (p: string, init?: RequestInit) => s.api(p, { ...init, headers: { cookie: admin } }) };
    const { status, html } = await page(asAdmin, `/admin/audit?action=user.create&actor=${other.login}`);
    assert.equal(status, 200);
    assert.equal(titleOf(html), "Audit log — bugsift");
    const rows = [...html.matchAll(/<tr data-event-id="(\d+)">(.*?)<\/tr>/g)].map((m) => [...m[2]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!.replace(/<!-- -->/g, "")));
    assert.equal(rows.length, 1, html.slice(0, 200));
    assert.deepEqual(rows[0]!.slice(1, 4), [other.login, "user.create", `account ${userId}`]);
    assert.match(rows[0]![4]!, /role: viewer/);
    const viewer = await signedInAccount(s, "viewer", "audit-viewer");
    const refused = await page({ api: (p, init) => s.api(p, { ...init, headers: { cookie: viewer.cookie } }) }, "/admin/audit");
    assert.match(refused.html, /Admins only/);
    assert.doesNotMatch(refused.html, /data-event-id/);
    const anonymous = await page(s, "/admin/audit");
    assert.ok([303, 307].includes(anonymous.status), `anonymous visitors are sent to sign in (${anonymous.status})`);
  });

  test("an admin sets a lost password: the account's sessions end, the old password stops working, the new one signs in, and the trail never holds it", async (t) => {
    const s = server(t);
    if (!s) return;
    const { account, cookie } = await signedInAccount(s, "triager", "forgetful");
    const me = await call<{ user: { id: number } | null }>(s, "/api/auth/me", { headers: { cookie } });
    const id = me.body.user!.id;
    const fresh = `new-${randomBytes(8).toString("hex")}`;
    const short = await call<ApiErrorBody>(s, `/api/admin/users/${id}`, { method: "PATCH", headers: bearer(s), json: { password: "short" } });
    assert.equal(short.status, 400);
    assert.match(short.body.error.message, /at least 10 characters/);
    const set = await call(s, `/api/admin/users/${id}`, { method: "PATCH", headers: bearer(s), json: { password: fresh } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal((await call<{ user: unknown }>(s, "/api/auth/me", { headers: { cookie } })).body.user, null, "the old session ended");
    const old = await call(s, "/api/auth/login", { method: "POST", json: { login: account.login, password: account.password } });
    assert.equal(old.status, 401, "the old password no longer signs in");
    await signIn(s, { login: account.login, password: fresh });
    const audit = await call<{ events: { action: string; target: string | null; detail: unknown }[] }>(s, "/api/admin/audit?action=user.update&limit=5", { headers: bearer(s) });
    assert.deepEqual(audit.body.events.find((e) => e.target === String(id))?.detail, { password: "set" });
    assert.ok(!JSON.stringify(audit.body).includes(fresh), "the password is in no audit event");
    // Accounts with no local password: the bootstrap token's system account, and (in auth.test.ts) provider accounts.
    const users = await call<{ users: { id: number; login: string }[] }>(s, "/api/admin/users", { headers: bearer(s) });
    const system = users.body.users.find((u) => u.login === "admin-token")!;
    const refused = await call<ApiErrorBody>(s, `/api/admin/users/${system.id}`, { method: "PATCH", headers: bearer(s), json: { password: fresh } });
    assert.equal(refused.status, 409);
  });
});
