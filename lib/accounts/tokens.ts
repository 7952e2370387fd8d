// Personal API tokens for scripts and bots. The secret is shown once at creation; the table keeps its
// sha256 and a short prefix to recognise it by. A token acts with the lower of its own role and its
// owner's current role, and stops working when revoked, when the owner is disabled, or after the expiry
// it was optionally created with (kept in ApiTokenExpiry).
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/db/client";
import { NotFoundError, ValidationError } from "@/lib/domain/errors";
import type { Actor } from "@/lib/accounts/actor";
import { isRole, lowerRole, roleAtLeast, type Role } from "@/lib/accounts/roles";
import { sha256Hex } from "@/lib/accounts/sessions";

/** Every personal token starts with this, so it can be told from the bootstrap admin token (and found by secret scanners). */
export const TOKEN_PREFIX = "bsk_";
const TOUCH_EVERY_MS = 60_000;

export interface ApiTokenView {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** When it stops working; null: until revoked. */
  expiresAt: string | null;
}

type TokenRow = Awaited<ReturnType<PrismaClient["apiToken"]["findUniqueOrThrow"]>> & { expiry: { expiresAt: Date } | null };

function toView(t: TokenRow): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: isRole(t.role) ? t.role : "viewer",
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    expiresAt: t.expiry?.expiresAt.toISOString() ?? null,
  };
}

/**
 * Creates a token for `owner`; its role may not exceed the owner's, and an expiry must lie in the future.
 * The secret is in the result only.
 */
export async function createApiToken(
  db: PrismaClient,
  owner: Actor,
  input: { name: string; role: Role; expiresAt?: Date },
  now = new Date(),
): Promise<{ token: string; info: ApiTokenView }> {
  if (!roleAtLeast(owner.role, input.role)) {
    const message = `a ${owner.role} cannot create a token with role ${input.role}`;
    throw new ValidationError(message, [{ path: "role", message }]);
  }
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
    const message = `expiresAt must be in the future (got ${input.expiresAt.toISOString()})`;
    throw new ValidationError(message, [{ path: "expiresAt", message }]);
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = await db.apiToken.create({
    data: {
      userId: owner.userId,
      name: input.name,
      role: input.role,
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      tokenHash: sha256Hex(token),
      ...(input.expiresAt ? { expiry: { create: { expiresAt: input.expiresAt } } } : {}),
    },
    include: { expiry: true },
  });
  return { token, info: toView(row) };
}

export async function listApiTokens(db: PrismaClient, userId: number): Promise<ApiTokenView[]> {
  const rows = await db.apiToken.findMany({ where: { userId }, orderBy: { id: "desc" }, include: { expiry: true } });
  return rows.map(toView);
}

/** A token with its owner's login, for the admin's overview. */
export interface OwnedApiTokenView extends ApiTokenView {
  owner: string;
}

/** Every account's tokens that are not revoked, newest first (at most `limit`): what can still call the API. */
export async function listLiveApiTokens(db: PrismaClient, limit = 500): Promise<OwnedApiTokenView[]> {
  const rows = await db.apiToken.findMany({ where: { revokedAt: null }, orderBy: { id: "desc" }, take: limit, include: { expiry: true, user: true } });
  return rows.map((r) => ({ ...toView(r), owner: r.user.login }));
}

/** Revokes one of `userId`'s tokens (an admin may revoke anyone's: pass userId null). */
export async function revokeApiToken(db: PrismaClient, tokenId: number, userId: number | null): Promise<ApiTokenView> {
  const row = await db.apiToken.findUnique({ where: { id: tokenId }, include: { expiry: true } });
  if (!row || (userId !== null && row.userId !== userId)) throw new NotFoundError(`token ${tokenId} not found`);
  const updated = row.revokedAt ? row : await db.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() }, include: { expiry: true } });
  return toView(updated);
}

/** Why a personal token that exists no longer works, for the 401's message (null: it works). */
export function expiredTokenReason(expiresAt: Date | null, now = new Date()): string | null {
  return expiresAt && expiresAt.getTime() <= now.getTime() ? `the API token expired at ${expiresAt.toISOString()}; create a new one` : null;
}

/**
 * The account a bearer token acts as; `{ refused }` for a token that expired (the caller is told so);
 * null when unknown, revoked or its owner is disabled.
 */
export async function tokenActor(db: PrismaClient, token: string, now = new Date()): Promise<(Actor & { tokenId: number }) | { refused: string } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const t = await db.apiToken.findUnique({ where: { tokenHash: sha256Hex(token) }, include: { user: true, expiry: true } });
  if (!t || t.revokedAt || t.user.disabled || !isRole(t.role) || !isRole(t.user.role)) return null;
  const expired = expiredTokenReason(t.expiry?.expiresAt ?? null, now);
  if (expired) return { refused: expired };
  if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.apiToken.update({ where: { id: t.id }, data: { lastUsedAt: now } }).catch(() => undefined);
  }
  return { userId: t.user.id, login: t.user.login, role: lowerRole(t.role, t.user.role), tokenId: t.id };
}
