import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { requestActor } from "@/lib/http/actor";
import { CreateTokenSchema } from "@/lib/http/schemas";
import { createApiToken, listApiTokens } from "@/lib/accounts/tokens";
import { recordEvent } from "@/lib/accounts/audit";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (_req, _params, auth) => json({ tokens: await listApiTokens(serverCore().db, requestActor(auth).userId) }));

/** The secret is in this response only; the server keeps its hash. */
export const POST = route(async (req, _params, auth) => {
  const actor = requestActor(auth);
  const body = CreateTokenSchema.parse(await readJson(req, 4096));
  const db = serverCore().db;
  const { token, info } = await createApiToken(db, actor, body);
  await recordEvent(db, actor, "token.create", info.id, { name: info.name, role: info.role, ...(info.expiresAt ? { expiresAt: info.expiresAt } : {}) });
  return json({ token, info }, 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
