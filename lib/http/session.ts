// Starting and ending browser sessions at the HTTP edge: the session row (lib/accounts/sessions) plus
// the Set-Cookie header that carries it.
import { config } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/client";
import type { Actor } from "@/lib/accounts/actor";
import { createSession, endSession } from "@/lib/accounts/sessions";
import { clearSessionCookie, isSecureRequest, sessionCookie, type RequestAuth } from "@/lib/http/auth";
import type { SessionResponse } from "@/lib/http/schemas";

export async function startSession(db: PrismaClient, req: Request, actor: Actor): Promise<{ body: SessionResponse; setCookie: string }> {
  const s = await createSession(db, actor.userId, config().auth.sessionTtlMs);
  return {
    body: { ok: true, user: { id: actor.userId, login: actor.login, role: actor.role }, expiresAt: s.expiresAt.toISOString() },
    setCookie: sessionCookie(s.token, s.expiresAt, isSecureRequest(req)),
  };
}

/** Ends the caller's session (if any) and returns the header that clears the cookie. */
export async function stopSession(db: PrismaClient, req: Request, auth: RequestAuth): Promise<string> {
  if (auth.sessionToken) await endSession(db, auth.sessionToken);
  return clearSessionCookie(isSecureRequest(req));
}
