import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { requestActor } from "@/lib/http/actor";
import { CreateUserSchema } from "@/lib/http/schemas";
import { createLocalUser, listUsers } from "@/lib/accounts/users";
import { recordEvent } from "@/lib/accounts/audit";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async () => json({ users: await listUsers(serverCore().db) }));

export const POST = route(async (req, _params, auth) => {
  const actor = requestActor(auth);
  const body = CreateUserSchema.parse(await readJson(req, 4096));
  const db = serverCore().db;
  const user = await createLocalUser(db, body);
  await recordEvent(db, actor, "user.create", user.id, { login: user.login, role: user.role });
  return json({ user }, 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
