// Accounts on a real migrated SQLite database: the first admin created by setup, bcrypt password checks,
// first sign-in through a provider, sessions, token scoping, the last-admin guard, and system accounts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { migrate } from "@/lib/offline/migrate/runner";
import { ensureFirstAdmin } from "@/lib/accounts/bootstrap";
import { createLocalUser, signInExternal, updateUser, verifyLocalLogin } from "@/lib/accounts/users";
import { createSession, endAllSessions, sessionActor } from "@/lib/accounts/sessions";
import { createApiToken, listApiTokens, revokeApiToken, tokenActor } from "@/lib/accounts/tokens";
import { systemActor } from "@/lib/accounts/actor";

let dir = "";
let db: PrismaClient;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-accounts-"));
  const url = `file:${path.join(dir, "t.db")}`;
  await migrate(url);
  db = createPrisma(url);
});

after(async () => {
  await db?.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("setup's first admin: created once, password in a 0600 file, stored only as a bcrypt hash", async () => {
  const file = path.join(dir, "admin-password");
  const first = await ensureFirstAdmin(db, file);
  assert.ok(first);
  assert.equal(first.login, "admin");
  assert.equal(fs.readFileSync(file, "utf8").trim(), first.password);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const row = await db.user.findUniqueOrThrow({ where: { login: "admin" } });
  assert.match(row.passwordHash ?? "", /^\$2[aby]\$11\$/);
  assert.ok(!(row.passwordHash ?? "").includes(first.password));
  assert.equal((await verifyLocalLogin(db, "admin", first.password))?.role, "admin");
  assert.equal(await verifyLocalLogin(db, "admin", first.password + "x"), null);
  assert.equal(await verifyLocalLogin(db, "nobody", first.password), null);
  assert.equal(await ensureFirstAdmin(db, file), null, "not created twice");
});

test("passwords: too short and over bcrypt's 72 bytes are refused with the reason", async () => {
  await assert.rejects(createLocalUser(db, { login: "shorty", password: "123", role: "viewer" }), /at least 10 characters/);
  await assert.rejects(createLocalUser(db, { login: "longy", password: "é".repeat(40), role: "viewer" }), /at most 72 bytes/);
  await assert.rejects(createLocalUser(db, { login: "bad login!", password: "long-enough-pw", role: "viewer" }), /login must be/);
});

test("first provider sign-in creates the account with the default role; the same subject finds it again", async () => {
  const id = { provider: "oidc" as const, subject: "sub-123", preferredLogin: "admin", name: "Eve", email: "eve@example.org" };
  const u = await signInExternal(db, id, "viewer");
  assert.ok(u);
  assert.equal(u.role, "viewer");
  assert.equal(u.login, "admin-2", "a taken login gets a suffix, never the other account");
  const again = await signInExternal(db, { ...id, preferredLogin: "renamed" }, "triager");
  assert.equal(again?.id, u.id);
  assert.equal(again?.role, "viewer");
});

test("sessions end everywhere; disabled accounts lose sessions and tokens; the last admin cannot be demoted", async () => {
  const t = await createLocalUser(db, { login: "tess", password: "long-enough-pw", role: "triager" });
  const s1 = await createSession(db, t.id, 3600_000);
  const s2 = await createSession(db, t.id, 3600_000);
  assert.equal((await sessionActor(db, s1.token))?.login, "tess");
  assert.equal(await sessionActor(db, s1.token, new Date(Date.now() + 2 * 3600_000)), null, "expired");
  assert.equal(await endAllSessions(db, t.id), 2);
  assert.equal(await sessionActor(db, s2.token), null);

  const owner = { userId: t.id, login: t.login, role: t.role };
  await assert.rejects(createApiToken(db, owner, { name: "x", role: "admin" }), /cannot create a token with role admin/);
  const tok = await createApiToken(db, owner, { name: "bot", role: "triager" });
  const roleOf = async (token: string) => {
    const r = await tokenActor(db, token);
    return r && "role" in r ? r.role : r;
  };
  assert.equal(await roleOf(tok.token), "triager");
  await updateUser(db, t.id, { role: "viewer" });
  assert.equal(await roleOf(tok.token), "viewer", "a token never exceeds its owner's current role");
  await updateUser(db, t.id, { disabled: true });
  assert.equal(await tokenActor(db, tok.token), null);
  await updateUser(db, t.id, { disabled: false });
  await revokeApiToken(db, tok.info.id, t.id);
  assert.equal(await tokenActor(db, tok.token), null, "revoked");

  const admin = await db.user.findUniqueOrThrow({ where: { login: "admin" } });
  await assert.rejects(updateUser(db, admin.id, { role: "triager" }), /last enabled admin/);
});

test("a token created with an expiry works until then and is refused after it with the time; a past expiry is refused at creation", async () => {
  const u = await createLocalUser(db, { login: "expiring", password: "long-enough-pw", role: "triager" });
  const owner = { userId: u.id, login: u.login, role: u.role };
  const now = new Date("2030-01-01T12:00:00Z");
  await assert.rejects(createApiToken(db, owner, { name: "late", role: "viewer", expiresAt: new Date("2030-01-01T11:59:59Z") }, now), /expiresAt must be in the future/);
  const expiresAt = new Date("2030-01-02T00:00:00Z");
  const tok = await createApiToken(db, owner, { name: "ci", role: "viewer", expiresAt }, now);
  assert.equal(tok.info.expiresAt, expiresAt.toISOString());
  const forever = await createApiToken(db, owner, { name: "forever", role: "viewer" }, now);
  assert.equal(forever.info.expiresAt, null);
  assert.deepEqual(
    (await listApiTokens(db, u.id)).map((t) => [t.name, t.expiresAt]),
    [["forever", null], ["ci", expiresAt.toISOString()]],
  );

  const before = await tokenActor(db, tok.token, new Date("2030-01-01T23:59:59Z"));
  assert.ok(before && "login" in before && before.login === "expiring", JSON.stringify(before));
  assert.deepEqual(await tokenActor(db, tok.token, expiresAt), { refused: "the API token expired at 2030-01-02T00:00:00.000Z; create a new one" });
  const later = await tokenActor(db, forever.token, new Date("2031-01-01T00:00:00Z"));
  assert.ok(later && "login" in later, "a token without expiry keeps working");
  await revokeApiToken(db, tok.info.id, u.id);
  assert.equal(await tokenActor(db, tok.token, expiresAt), null, "revoked and expired: unknown to the caller");
});

test("system accounts for bots are created once and keep their role", async () => {
  const a = await systemActor(db, "github-sync", "triager");
  const b = await systemActor(db, "github-sync", "admin");
  assert.equal(a.userId, b.userId);
  assert.equal(b.role, "triager");
  await assert.rejects(systemActor(db, "Bad Name"), /system account login/);
});
