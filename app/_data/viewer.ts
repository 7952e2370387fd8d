// The signed-in account for server-rendered pages (the session cookie), so a page can hide what the
// account's role cannot do and send visitors to sign in when anonymous reading is off. The API checks
// every write again on its own; hiding is only for the person looking.
import { cache } from "react";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { Actor } from "@/lib/accounts/actor";
import { roleAtLeast, type Role } from "@/lib/accounts/roles";
import { sessionActor } from "@/lib/accounts/sessions";
import { SESSION_COOKIE } from "@/lib/http/auth";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";

// One session lookup per request, however many layouts and pages ask (React's per-request cache).
export const currentActor = cache(async (): Promise<Actor | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  const a = await sessionActor(serverCore().db, token);
  return a ? { userId: a.userId, login: a.login, role: a.role } : null;
});

export function can(actor: Actor | null, role: Role): boolean {
  return actor !== null && roleAtLeast(actor.role, role);
}

/** The reader of a page: anyone when anonymous reading is on, else a signed-in account (or off to sign in). */
export async function requireReader(returnTo: string): Promise<Actor | null> {
  const actor = await currentActor();
  if (!actor && !config().auth.publicRead) redirect(`/signin?returnTo=${encodeURIComponent(returnTo)}`);
  return actor;
}
