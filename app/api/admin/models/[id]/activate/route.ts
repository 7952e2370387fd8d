import { idParam, route } from "@/lib/http/handler";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { activateModel } from "@/lib/jobs/models";
import { serverCore } from "@/lib/runtime/server";
import { requestActor } from "@/lib/http/actor";
import { recordEvent } from "@/lib/accounts/audit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(async (_req, params, auth) => {
  const id = idParam(params);
  const result = await activateModel(serverCore(), id);
  await recordEvent(serverCore().db, requestActor(auth), "model.activate", id);
  return json(result, 202);
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
