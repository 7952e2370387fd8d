// Sign-in with the bootstrap admin token: a session for the system account "admin-token", so the admin
// page works on a fresh install before any personal account exists.
import { ApiError } from "@/lib/http/errors";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { serverRequestLimits } from "@/lib/http/ratelimit";
import { LoginRequestSchema } from "@/lib/http/schemas";
import { checkToken } from "@/lib/http/auth";
import { startSession } from "@/lib/http/session";
import { BOOTSTRAP_ADMIN_LOGIN, systemActor } from "@/lib/accounts/actor";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(async (req) => {
  const { token } = LoginRequestSchema.parse(await readJson(req, 4096));
  serverRequestLimits().checkLogin(req.headers, BOOTSTRAP_ADMIN_LOGIN);
  if (!checkToken(token)) throw new ApiError(401, "unauthorized", "wrong admin token");
  const db = serverCore().db;
  const s = await startSession(db, req, await systemActor(db, BOOTSTRAP_ADMIN_LOGIN, "admin"));
  return json(s.body, 200, { "set-cookie": s.setCookie });
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
