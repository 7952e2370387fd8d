import { ApiError } from "@/lib/http/errors";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { serverRequestLimits } from "@/lib/http/ratelimit";
import { PasswordLoginSchema } from "@/lib/http/schemas";
import { startSession } from "@/lib/http/session";
import { verifyLocalLogin } from "@/lib/accounts/users";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(async (req) => {
  const { login, password } = PasswordLoginSchema.parse(await readJson(req, 4096));
  serverRequestLimits().checkLogin(req.headers, login);
  const db = serverCore().db;
  const user = await verifyLocalLogin(db, login, password);
  if (!user) throw new ApiError(401, "unauthorized", "wrong login or password (or the account is disabled)");
  const s = await startSession(db, req, { userId: user.id, login: user.login, role: user.role });
  return json(s.body, 200, { "set-cookie": s.setCookie });
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
