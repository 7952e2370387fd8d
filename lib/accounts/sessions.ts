// Browser sessions kept in the database. The cookie carries 32 random bytes; the table keeps their
// sha256, so a stolen database yields no usable cookie. A session is valid while its row exists, has not
// expired and its account is enabled: a forged cookie matches no row, a replayed one stops working the
// moment its row is deleted (sign-out, sign-out everywhere, account disabled).
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/db/client";
import type { Actor } from "@/lib/accounts/actor";
import { isRole } from "@/lib/accounts/roles";

/** lastSeenAt is written at most this often per session (reads stay reads). */
const TOUCH_EVERY_MS = 60_000;

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export async function createSession(db: PrismaClient, userId: number, ttlMs: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.session.create({ data: { tokenHash: sha256Hex(token), userId, expiresAt, createdAt: now, lastSeenAt: now } });
  return { token, expiresAt };
}

/** The account behind a session cookie value, or null. */
export async function sessionActor(db: PrismaClient, token: string, now = new Date()): Promise<(Actor & { sessionId: number }) | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const s = await db.session.findUnique({ where: { tokenHash: sha256Hex(token) }, include: { user: true } });
  if (!s || s.expiresAt <= now || s.user.disabled || !isRole(s.user.role)) return null;
  if (now.getTime() - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.update({ where: { id: s.id }, data: { lastSeenAt: now } }).catch(() => undefined);
  }
  return { userId: s.user.id, login: s.user.login, role: s.user.role, sessionId: s.id };
}

export async function endSession(db: PrismaClient, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: sha256Hex(token) } });
}

/** Sign out everywhere: every session of the account ends. Returns how many. */
export async function endAllSessions(db: PrismaClient, userId: number): Promise<number> {
  const r = await db.session.deleteMany({ where: { userId } });
  return r.count;
}

export async function purgeExpiredSessions(db: PrismaClient, now = new Date()): Promise<number> {
  const r = await db.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return r.count;
}
