import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { serverRequestLimits } from "@/lib/http/ratelimit";
import { requestActor } from "@/lib/http/actor";
import { ChangePasswordSchema } from "@/lib/http/schemas";
import { changePassword } from "@/lib/accounts/users";
import { recordEvent } from "@/lib/accounts/audit";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
/** A local account changes its password (the current one is checked, like a sign-in); its other sessions end. */
export const POST = route(async (req, _params, auth) => {
  const actor = requestActor(auth);
  const body = ChangePasswordSchema.parse(await readJson(req, 4096));
  serverRequestLimits().checkLogin(req.headers, actor.login);
  const db = serverCore().db;
  await changePassword(db, actor.userId, body.current, body.password, auth.sessionId ?? null);
  await recordEvent(db, actor, "password.change", actor.login);
  return json({ ok: true });
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
