import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { requestActor } from "@/lib/http/actor";
import { clearSessionCookie, isSecureRequest } from "@/lib/http/auth";
import { endAllSessions } from "@/lib/accounts/sessions";
import { recordEvent } from "@/lib/accounts/audit";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(async (req, _params, auth) => {
  const actor = requestActor(auth);
  const db = serverCore().db;
  const ended = await endAllSessions(db, actor.userId);
  await recordEvent(db, actor, "sessions.revoke", actor.login, { ended });
  return json({ ok: true, ended }, 200, { "set-cookie": clearSessionCookie(isSecureRequest(req)) });
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
