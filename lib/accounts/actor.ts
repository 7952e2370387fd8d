// Who performs an action: always an account. A person acts through a session or a personal API token;
// a bot, a CLI or the bootstrap admin token acts as a named system account (systemActor), so every
// verdict, link, import and re-index in the history points at a row of the User table.
import type { PrismaClient } from "@/lib/db/client";
import type { Role } from "@/lib/accounts/roles";

export interface Actor {
  userId: number;
  login: string;
  role: Role;
}

/** The account command-line tools (npm run ingest, reindex) act as. */
export const CLI_LOGIN = "cli";

/** The account a bootstrap admin token acts as. */
export const BOOTSTRAP_ADMIN_LOGIN = "admin-token";

/**
 * A system account (kind "system", never signs in) by login, created on first use: a sync bot
 * ("github-sync"), a CLI ("cli"), the bootstrap admin token. Its role is fixed at creation.
 */
export async function systemActor(db: PrismaClient, login: string, role: Role = "admin"): Promise<Actor> {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(login)) throw new Error(`system account login "${login}" must be 1..64 of a-z 0-9 . _ -`);
  const user = await db.user.upsert({
    where: { provider_subject: { provider: "system", subject: login } },
    update: {},
    create: { login, role, kind: "system", provider: "system", subject: login },
  });
  return { userId: user.id, login: user.login, role: user.role as Role };
}
