import { idParam, route } from "@/lib/http/handler";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { requestActor } from "@/lib/http/actor";
import { revokeApiToken } from "@/lib/accounts/tokens";
import { recordEvent } from "@/lib/accounts/audit";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
/** Revoke: the owner's own token, or anyone's for an admin. */
export const DELETE = route(async (_req, params, auth) => {
  const actor = requestActor(auth);
  const db = serverCore().db;
  const id = idParam(params);
  const info = await revokeApiToken(db, id, actor.role === "admin" ? null : actor.userId);
  await recordEvent(db, actor, "token.revoke", id);
  return json({ info });
});

export const { GET, HEAD, POST, PUT, PATCH, OPTIONS } = otherMethods(["DELETE"]);
