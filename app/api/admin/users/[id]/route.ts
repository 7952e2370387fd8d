import { idParam, route } from "@/lib/http/handler";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { requestActor } from "@/lib/http/actor";
import { UpdateUserSchema } from "@/lib/http/schemas";
import { updateUser } from "@/lib/accounts/users";
import { recordEvent } from "@/lib/accounts/audit";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
/**
 * Change a role, disable an account (its sessions end, its tokens stop working) or set a local account's password
 * (its sessions end). The audit event says a password was set, never what it is.
 */
export const PATCH = route(async (req, params, auth) => {
  const actor = requestActor(auth);
  const id = idParam(params);
  const patch = UpdateUserSchema.parse(await readJson(req, 4096));
  const db = serverCore().db;
  const user = await updateUser(db, id, patch);
  const { password, ...rest } = patch;
  await recordEvent(db, actor, "user.update", id, password === undefined ? rest : { ...rest, password: "set" });
  return json({ user });
});

export const { GET, HEAD, POST, PUT, DELETE, OPTIONS } = otherMethods(["PATCH"]);
