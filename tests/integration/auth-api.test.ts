// Accounts over real HTTP against the built app: anonymous writes refused, sessions (forged, replayed after
// sign-out, ended everywhere), CSRF origin check, API tokens (shown once, scoped, last use, revoked), disabled
// accounts, the login rate limit, and the verdict trail naming the real account with reverts kept.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import type { DecisionsResponse, ReportResponse, TriageResponse } from "@/lib/http/schemas";
import { bearer, call } from "@/tests/helpers/api-client";
import { createAccount, createToken, sessionHeaders, signedInAccount, signIn } from "@/tests/helpers/accounts";
import { useTestServer } from "@/tests/helpers/suite";

const server = useTestServer({ seed: "demo", env: { LOGIN_ATTEMPTS_PER_MIN: "5" } });

async function twoReports(s: NonNullable<ReturnType<typeof server>>): Promise<[number, number]> {
  const list = await call<{ reports: { id: number }[] }>(s, "/api/reports?limit=40");
  assert.equal(list.status, 200);
  const ids = list.body.reports.map((r) => r.id);
  return [ids[ids.length - 1]!, ids[ids.length - 2]!];
}

test("anonymous writes are refused with 401; anonymous reads pass while BUGSIFT_PUBLIC_READ is on", async (t) => {
  const s = server(t);
  if (!s) return;
  const [a, b] = await twoReports(s);
  const triage = await call(s, "/api/triage", { method: "POST", json: { reportId: a, otherId: b, verdict: "not_duplicate" } });
  assert.equal(triage.status, 401);
  assert.equal(triage.body.error.code, "unauthorized");
  const create = await call(s, "/api/reports", { method: "POST", json: { title: "anon", description: "x" } });
  assert.equal(create.status, 401);
  assert.equal((await call(s, "/api/search?q=crash")).status, 200);
  const hist = await call<DecisionsResponse>(s, `/api/reports/${a}/decisions`);
  assert.equal(hist.body.decisions.length, 0, "nothing was recorded");
});

test("a verdict's actor is the signed-in account; a typed actor is refused; reverts keep both in the history", async (t) => {
  const s = server(t);
  if (!s) return;
  const [a, b] = await twoReports(s);
  const { account: alice, headers: aliceH } = await signedInAccount(s, "triager", "alice");
  const { account: bob, headers: bobH } = await signedInAccount(s, "triager", "bob");

  const typed = await call(s, "/api/triage", { method: "POST", headers: aliceH, json: { reportId: a, otherId: b, verdict: "duplicate", actor: "mallory" } });
  assert.equal(typed.status, 400);
  assert.match(typed.body.error.message, /actor is the signed-in account/);

  const r = await call<TriageResponse>(s, "/api/triage", { method: "POST", headers: aliceH, json: { reportId: a, otherId: b, verdict: "duplicate", note: "same crash" } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.decision.actor, alice.login);
  assert.ok(r.body.link, "a duplicate verdict links the pair");
  const decisionId = r.body.decision.id;

  // Another triager may not revert alice's verdict; alice may.
  const bobRevert = await call(s, `/api/triage/${decisionId}/revert`, { method: "POST", headers: bobH });
  assert.equal(bobRevert.status, 403);
  assert.match(bobRevert.body.error.message, /only its author or an admin/);
  const revert = await call(s, `/api/triage/${decisionId}/revert`, { method: "POST", headers: aliceH });
  assert.equal(revert.status, 200, JSON.stringify(revert.body));
  assert.equal((await call(s, `/api/triage/${decisionId}/revert`, { method: "POST", headers: aliceH })).status, 409, "reverting twice");

  const report = await call<ReportResponse>(s, `/api/reports/${a}`);
  assert.ok(!report.body.report.duplicateOf.some((l) => l.other.id === b), "the triager link went with the revert");
  const hist = await call<DecisionsResponse>(s, `/api/reports/${a}/decisions`);
  const d = hist.body.decisions.find((x) => x.id === decisionId)!;
  assert.equal(d.actor, alice.login);
  assert.equal(d.current, false);
  assert.equal(d.revert?.by, alice.login);

  // Bob records the opposite verdict; an admin reverts it; the history holds all of it, with accounts.
  const bobV = await call<TriageResponse>(s, "/api/triage", { method: "POST", headers: bobH, json: { reportId: b, otherId: a, verdict: "not_duplicate" } });
  assert.equal(bobV.status, 201);
  const { account: admin, headers: adminH } = await signedInAccount(s, "admin");
  assert.equal((await call(s, `/api/triage/${bobV.body.decision.id}/revert`, { method: "POST", headers: adminH })).status, 200);
  const after = await call<DecisionsResponse>(s, `/api/reports/${a}/decisions`);
  assert.deepEqual(
    after.body.decisions.map((x) => [x.actor, x.verdict, x.revert?.by ?? null]),
    [
      [bob.login, "not_duplicate", admin.login],
      [alice.login, "duplicate", alice.login],
    ],
  );
});

test("a viewer may read but not record verdicts (403), and cannot mint a token above its role", async (t) => {
  const s = server(t);
  if (!s) return;
  const [a, b] = await twoReports(s);
  const { headers: h } = await signedInAccount(s, "viewer");
  const r = await call(s, "/api/triage", { method: "POST", headers: h, json: { reportId: a, otherId: b, verdict: "related" } });
  assert.equal(r.status, 403);
  assert.match(r.body.error.message, /triager role/);
  const tok = await call(s, "/api/account/tokens", { method: "POST", headers: h, json: { name: "x", role: "admin" } });
  assert.equal(tok.status, 400);
});

test("sessions: a forged cookie, a cookie replayed after sign-out, and sessions ended everywhere are refused", async (t) => {
  const s = server(t);
  if (!s) return;
  const [a, b] = await twoReports(s);
  const acct = await createAccount(s, "triager");
  const body = { reportId: a, otherId: b, verdict: "related" };

  const forged = sessionHeaders(s, `bugsift_session=${randomBytes(32).toString("base64url")}`);
  const f = await call(s, "/api/triage", { method: "POST", headers: forged, json: body });
  assert.equal(f.status, 401);
  assert.match(f.body.error.message, /session has ended or is not valid/);

  const cookie = await signIn(s, acct);
  const me = await call(s, "/api/auth/me", { headers: { cookie } });
  assert.equal(me.body.user.login, acct.login);
  const out = await call(s, "/api/auth/logout", { method: "POST", headers: sessionHeaders(s, cookie) });
  assert.equal(out.status, 200);
  assert.match(out.res.headers.get("set-cookie") ?? "", /bugsift_session=;.*Max-Age=0/);
  const replay = await call(s, "/api/triage", { method: "POST", headers: sessionHeaders(s, cookie), json: body });
  assert.equal(replay.status, 401, "the cookie of an ended session is refused");

  const laptop = await signIn(s, acct);
  const phone = await signIn(s, acct);
  const all = await call(s, "/api/auth/logout-all", { method: "POST", headers: sessionHeaders(s, laptop) });
  assert.equal(all.status, 200);
  assert.equal(all.body.ended, 2);
  assert.equal((await call(s, "/api/triage", { method: "POST", headers: sessionHeaders(s, phone), json: body })).status, 401);
  assert.equal((await call(s, "/api/auth/me", { headers: { cookie: phone } })).body.user, null);
});

test("the session cookie is HttpOnly and SameSite; cookie writes need this site's Origin", async (t) => {
  const s = server(t);
  if (!s) return;
  const [a, b] = await twoReports(s);
  const acct = await createAccount(s, "triager");
  const r = await call(s, "/api/auth/login", { method: "POST", json: { login: acct.login, password: acct.password } });
  const setCookie = r.res.headers.get("set-cookie") ?? "";
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  assert.doesNotMatch(setCookie, /Secure/, "plain http on loopback: no Secure flag");
  const behindHttps = await call(s, "/api/auth/login", { method: "POST", headers: { "x-forwarded-proto": "https" }, json: { login: acct.login, password: acct.password } });
  assert.match(behindHttps.res.headers.get("set-cookie") ?? "", /; Secure/, "behind a proxy that terminates HTTPS");
  const cookie = /bugsift_session=[^;]+/.exec(setCookie)![0];
  const body = { reportId: a, otherId: b, verdict: "related" };
  const evil = await call(s, "/api/triage", { method: "POST", headers: { cookie, origin: "http://evil.example" }, json: body });
  assert.equal(evil.status, 403);
  assert.match(evil.body.error.message, /cross-site request refused/);
  const none = await call(s, "/api/triage", { method: "POST", headers: { cookie }, json: body });
  assert.equal(none.status, 403, "a cookie write without Origin");
  assert.equal((await call(s, "/api/triage", { method: "POST", headers: { cookie, origin: s.baseUrl }, json: body })).status, 201);
});

test("API tokens: shown once, stored hashed, scoped, last use recorded, refused once revoked or the owner is disabled", async (t) => {
  const s = server(t);
  if (!s) return;
  const [a, b] = await twoReports(s);
  const { account: acct, cookie } = await signedInAccount(s, "triager");
  const viewerTok = await createToken(s, cookie, "viewer", "reader");
  const triagerTok = await createToken(s, cookie, "triager", "bot");
  assert.match(triagerTok.token, /^bsk_[A-Za-z0-9_-]{43}$/);

  const list = await call(s, "/api/account/tokens", { headers: { cookie } });
  assert.equal(list.status, 200);
  assert.ok(!JSON.stringify(list.body).includes(triagerTok.token), "the list never shows the secret");
  assert.equal(list.body.tokens.find((x: { id: number }) => x.id === triagerTok.id).lastUsedAt, null);

  const body = { reportId: a, otherId: b, verdict: "related" };
  const asViewer = await call(s, "/api/triage", { method: "POST", headers: { authorization: `Bearer ${viewerTok.token}` }, json: body });
  assert.equal(asViewer.status, 403, "a viewer-scoped token of a triager acts as a viewer");
  const asBot = await call<TriageResponse>(s, "/api/triage", { method: "POST", headers: { authorization: `Bearer ${triagerTok.token}` }, json: body });
  assert.equal(asBot.status, 201);
  assert.equal(asBot.body.decision.actor, acct.login, "a token acts as its owner");
  const used = await call(s, "/api/account/tokens", { headers: { cookie } });
  assert.ok(used.body.tokens.find((x: { id: number }) => x.id === triagerTok.id).lastUsedAt, "last use recorded");

  const rev = await call(s, `/api/account/tokens/${triagerTok.id}`, { method: "DELETE", headers: sessionHeaders(s, cookie) });
  assert.equal(rev.status, 200);
  const revoked = await call(s, "/api/triage", { method: "POST", headers: { authorization: `Bearer ${triagerTok.token}` }, json: body });
  assert.equal(revoked.status, 401);
  assert.match(revoked.body.error.message, /bearer token is not valid/);

  // Disabling the owner ends its sessions and stops its remaining tokens.
  const users = await call(s, "/api/admin/users", { headers: bearer(s) });
  const id = users.body.users.find((u: { login: string }) => u.login === acct.login).id;
  assert.equal((await call(s, `/api/admin/users/${id}`, { method: "PATCH", headers: bearer(s), json: { disabled: true } })).status, 200);
  assert.equal((await call(s, "/api/search?q=crash", { headers: { authorization: `Bearer ${viewerTok.token}` } })).status, 401);
  assert.equal((await call(s, "/api/auth/me", { headers: { cookie } })).body.user, null);
  const login = await call(s, "/api/auth/login", { method: "POST", json: { login: acct.login, password: acct.password } });
  assert.equal(login.status, 401);
});

test("the bootstrap admin token acts as the system account admin-token, recorded in the audit trail", async (t) => {
  const s = server(t);
  if (!s) return;
  const cal = await call(s, "/api/admin/thresholds/calibrate", { method: "POST", headers: bearer(s) });
  assert.equal(cal.status, 200, JSON.stringify(cal.body));
  const audit = await call(s, "/api/admin/audit", { headers: bearer(s) });
  assert.equal(audit.status, 200);
  const ev = audit.body.events.find((e: { action: string }) => e.action === "thresholds.calibrate");
  assert.equal(ev?.actor, "admin-token");
  const me = await call(s, "/api/auth/me", { headers: bearer(s) });
  assert.deepEqual([me.body.user.login, me.body.user.role, me.body.via], ["admin-token", "admin", "bootstrap"]);
});

test("password sign-in is rate limited per login with a clear 429", async (t) => {
  const s = server(t);
  if (!s) return;
  const acct = await createAccount(s, "viewer");
  const statuses: number[] = [];
  let last: Awaited<ReturnType<typeof call<any>>> | null = null;
  for (let i = 0; i < 7; i++) {
    last = await call(s, "/api/auth/login", { method: "POST", json: { login: acct.login, password: "wrong-password-xx" } });
    statuses.push(last.status);
  }
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
  assert.match(last!.body.error.message, /too many sign-in attempts; retry in \d+s/);
  assert.ok(Number(last!.res.headers.get("retry-after")) >= 1);
  // Even the right password waits: the limit is per login, not per failure.
  assert.equal((await call(s, "/api/auth/login", { method: "POST", json: { login: acct.login, password: acct.password } })).status, 429);
});

test("API tokens with an expiry: a past one is refused at creation, the list shows it, and after it the token gets a 401 that says it expired", async (t) => {
  const s = server(t);
  if (!s) return;
  const { cookie } = await signedInAccount(s, "viewer");
  const h = sessionHeaders(s, cookie);
  const past = await call(s, "/api/account/tokens", { method: "POST", headers: h, json: { name: "old", role: "viewer", expiresAt: "2020-01-01" } });
  assert.equal(past.status, 400);
  assert.match(past.body.error.message, /expiresAt must be in the future/);
  const bad = await call(s, "/api/account/tokens", { method: "POST", headers: h, json: { name: "bad", role: "viewer", expiresAt: "next week" } });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body.error), /expiresAt/);

  // Long enough for creation and one use on a loaded machine, short enough to wait out.
  const expiresAt = new Date(Date.now() + 6_000).toISOString();
  const made = await call<{ token: string; info: { id: number; expiresAt: string | null } }>(s, "/api/account/tokens", {
    method: "POST",
    headers: h,
    json: { name: "short-lived", role: "viewer", expiresAt },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.info.expiresAt, expiresAt);
  const list = await call<{ tokens: { id: number; expiresAt: string | null }[] }>(s, "/api/account/tokens", { headers: { cookie } });
  assert.equal(list.body.tokens.find((x) => x.id === made.body.info.id)?.expiresAt, expiresAt);

  const auth = { authorization: `Bearer ${made.body.token}` };
  const before = await call(s, "/api/account/tokens", { headers: auth });
  assert.equal(before.status, 200, "works until it expires");
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(expiresAt) - Date.now()) + 200));
  const after = await call(s, "/api/account/tokens", { headers: auth });
  assert.equal(after.status, 401);
  assert.match(after.body.error.message, new RegExp(`the API token expired at ${expiresAt.replace(/[.]/g, "\\.")}`));
});

test("a local account changes its password: the current one is checked, other sessions end, the new one signs in", async (t) => {
  const s = server(t);
  if (!s) return;
  const { account: acct, cookie: here } = await signedInAccount(s, "viewer");
  const elsewhere = await signIn(s, acct);
  const wrong = await call(s, "/api/account/password", { method: "POST", headers: sessionHeaders(s, here), json: { current: "not-it-at-all", password: "a-new-password-123" } });
  assert.equal(wrong.status, 400);
  assert.match(wrong.body.error.message, /current password is wrong/);
  const ok = await call(s, "/api/account/password", { method: "POST", headers: sessionHeaders(s, here), json: { current: acct.password, password: "a-new-password-123" } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal((await call(s, "/api/auth/me", { headers: { cookie: here } })).body.user.login, acct.login, "this session stays");
  assert.equal((await call(s, "/api/auth/me", { headers: { cookie: elsewhere } })).body.user, null, "the other session ended");
  // (Password changes count against the sign-in limit of 5 a minute this file runs with: one sign-in left.)
  await signIn(s, { login: acct.login, password: "a-new-password-123" });
});
