// Accounts: local accounts with bcrypt password hashes (the embedded default has no identity provider),
// accounts created on first sign-in through OpenID Connect or GitHub, and the admin's list/role/disable.
import bcrypt from "bcryptjs";
import type { PrismaClient } from "@/lib/db/client";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/domain/errors";
import { isRole, type Role } from "@/lib/accounts/roles";

/** bcrypt cost (OWASP: at least 10). bcryptjs is pure JS and yields while hashing, so sign-in does not block other requests; ~0.5 s per hash measured on a busy 2-core machine. */
const BCRYPT_ROUNDS = 11;
/** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_LENGTH = 10;

export const LOGIN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

export interface UserView {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  role: Role;
  kind: "person" | "system";
  provider: string;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

type UserRow = Awaited<ReturnType<PrismaClient["user"]["findUniqueOrThrow"]>>;

export function toUserView(u: UserRow): UserView {
  return {
    id: u.id,
    login: u.login,
    name: u.name,
    email: u.email,
    role: isRole(u.role) ? u.role : "viewer",
    kind: u.kind === "system" ? "system" : "person",
    provider: u.provider,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  };
}

function checkPassword(password: string): void {
  const problem =
    password.length < MIN_PASSWORD_LENGTH
      ? `password must have at least ${MIN_PASSWORD_LENGTH} characters`
      : Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES
        ? `password must be at most ${MAX_PASSWORD_BYTES} bytes (bcrypt ignores the rest)`
        : null;
  if (problem) throw new ValidationError(problem, [{ path: "password", message: problem }]);
}

export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  return bcrypt.hash(password, BCRYPT_ROUNDS);
}

/** A precomputed hash compared against when the login is unknown, so both paths cost one bcrypt compare. */
const DUMMY_HASH = "$2b$11$Jue6Jt3hTqNn55j1pPU3i.oI8TqRYKt7SdQy90gzUHDq1mdcohPVC";

export async function createLocalUser(
  db: PrismaClient,
  input: { login: string; password: string; role: Role; name?: string | null; email?: string | null },
): Promise<UserView> {
  if (!LOGIN_PATTERN.test(input.login)) {
    const message = "login must be 1..64 characters: letters, digits and . _ @ + - (starting with a letter or digit)";
    throw new ValidationError(message, [{ path: "login", message }]);
  }
  const passwordHash = await hashPassword(input.password);
  const taken = await db.user.findUnique({ where: { login: input.login }, select: { id: true } });
  if (taken) throw new ConflictError(`login "${input.login}" is taken`);
  const user = await db.user.create({
    data: { login: input.login, name: input.name ?? null, email: input.email ?? null, role: input.role, provider: "local", subject: input.login, passwordHash },
  });
  return toUserView(user);
}

/** The local account for login+password, or null (unknown login, wrong password, disabled, no password). */
export async function verifyLocalLogin(db: PrismaClient, login: string, password: string): Promise<UserView | null> {
  const user = await db.user.findUnique({ where: { login } });
  const hash = user?.provider === "local" && user.passwordHash ? user.passwordHash : DUMMY_HASH;
  const ok = await bcrypt.compare(password, hash);
  if (!ok || !user || user.disabled || user.provider !== "local" || !user.passwordHash) return null;
  const updated = await db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return toUserView(updated);
}

/**
 * A local account changes its own password: the current one must match. Every other session of the
 * account ends (a changed password is how someone locks out whoever learnt the old one).
 */
export async function changePassword(db: PrismaClient, userId: number, current: string, next: string, keepSessionId: number | null): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user || user.provider !== "local" || !user.passwordHash) {
    throw new ConflictError("this account signs in through an identity provider; its password is managed there");
  }
  if (!(await bcrypt.compare(current, user.passwordHash))) {
    throw new ValidationError("the current password is wrong", [{ path: "current", message: "the current password is wrong" }]);
  }
  const passwordHash = await hashPassword(next);
  await db.$transaction([
    db.user.update({ where: { id: userId }, data: { passwordHash } }),
    db.session.deleteMany({ where: { userId, ...(keepSessionId !== null ? { id: { not: keepSessionId } } : {}) } }),
  ]);
}

export interface ExternalIdentity {
  provider: "oidc" | "github";
  subject: string;
  preferredLogin: string | null;
  name: string | null;
  email: string | null;
}

/**
 * The account of an identity from OpenID Connect or GitHub: found by (provider, subject), else created with
 * `defaultRole` and a login derived from the provider's username (suffixed when taken). Null when disabled.
 */
export async function signInExternal(db: PrismaClient, id: ExternalIdentity, defaultRole: Role): Promise<UserView | null> {
  const existing = await db.user.findUnique({ where: { provider_subject: { provider: id.provider, subject: id.subject } } });
  if (existing) {
    if (existing.disabled) return null;
    const updated = await db.user.update({
      where: { id: existing.id },
      data: { lastLoginAt: new Date(), name: id.name ?? existing.name, email: id.email ?? existing.email },
    });
    return toUserView(updated);
  }
  const base = loginFrom(id);
  for (let n = 0; n < 50; n++) {
    const login = n === 0 ? base : `${base.slice(0, 60)}-${n + 1}`;
    const taken = await db.user.findUnique({ where: { login }, select: { id: true } });
    if (taken) continue;
    const user = await db.user.create({
      data: { login, name: id.name, email: id.email, role: defaultRole, provider: id.provider, subject: id.subject, lastLoginAt: new Date() },
    });
    return toUserView(user);
  }
  throw new ConflictError(`no free login for "${base}"`);
}

function loginFrom(id: ExternalIdentity): string {
  const raw = id.preferredLogin ?? id.email?.split("@")[0] ?? `${id.provider}-${id.subject}`;
  const cleaned = raw.replace(/[^A-Za-z0-9._@+-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 64);
  return cleaned || `${id.provider}-user`;
}

export async function listUsers(db: PrismaClient): Promise<UserView[]> {
  const rows = await db.user.findMany({ orderBy: [{ kind: "asc" }, { login: "asc" }] });
  return rows.map(toUserView);
}

export async function getUser(db: PrismaClient, id: number): Promise<UserView> {
  const u = await db.user.findUnique({ where: { id } });
  if (!u) throw new NotFoundError(`user ${id} not found`);
  return toUserView(u);
}

/** Change an account's role or disable it. Disabling ends its sessions; its tokens stop working with it. */
/**
 * An admin changes an account: role, disabled, or (local accounts) a new password, for someone who lost theirs.
 * Disabling or setting a password ends the account's sessions; the user signs in again with the new password and
 * can change it on the Account page.
 */
export async function updateUser(db: PrismaClient, id: number, patch: { role?: Role; disabled?: boolean; password?: string }): Promise<UserView> {
  const u = await db.user.findUnique({ where: { id } });
  if (!u) throw new NotFoundError(`user ${id} not found`);
  if (u.kind === "system") throw new ConflictError(`user ${id} (${u.login}) is a system account; its role is fixed`);
  if (patch.password !== undefined && (u.provider !== "local" || !u.passwordHash)) {
    throw new ConflictError(`user ${id} (${u.login}) signs in through ${u.provider}; its password is managed there`);
  }
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  const demotesAdmin = u.role === "admin" && ((patch.role !== undefined && patch.role !== "admin") || patch.disabled === true);
  if (demotesAdmin) {
    const admins = await db.user.count({ where: { role: "admin", disabled: false, kind: "person" } });
    if (admins <= 1) throw new ConflictError(`user ${id} (${u.login}) is the last enabled admin`);
  }
  const updated = await db.$transaction(async (tx) => {
    const row = await tx.user.update({ where: { id }, data: { role: patch.role, disabled: patch.disabled, passwordHash } });
    if (patch.disabled || passwordHash) await tx.session.deleteMany({ where: { userId: id } });
    return row;
  });
  return toUserView(updated);
}
