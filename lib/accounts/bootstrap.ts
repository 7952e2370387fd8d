// The first local admin of an install without an identity provider, created by `npm run setup`. Its
// random password is written to a file readable only by the owner (like the admin token), printed once,
// and meant to be changed or the account replaced; nothing secret is tracked by git (data/ is ignored).
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@/lib/db/client";
import { createLocalUser } from "@/lib/accounts/users";

export const FIRST_ADMIN_LOGIN = "admin";

/** Creates the local account "admin" when no person holds the admin role yet; returns its password, or null when nothing was created. */
export async function ensureFirstAdmin(db: PrismaClient, passwordFile: string): Promise<{ login: string; password: string } | null> {
  const admins = await db.user.count({ where: { role: "admin", kind: "person" } });
  if (admins > 0) return null;
  const password = randomBytes(15).toString("base64url");
  await createLocalUser(db, { login: FIRST_ADMIN_LOGIN, password, role: "admin", name: "First admin" });
  mkdirSync(path.dirname(passwordFile), { recursive: true });
  writeFileSync(passwordFile, password + "\n", { mode: 0o600 });
  return { login: FIRST_ADMIN_LOGIN, password };
}
