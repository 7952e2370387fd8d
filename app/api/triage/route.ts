import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { TriageRequestSchema } from "@/lib/http/schemas";
import { ACTOR_HEADER, resolveActor } from "@/lib/http/actor";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";
import { recordDecision } from "@/lib/triage/record";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(async (req) => {
  const body = TriageRequestSchema.parse(await readJson(req, config().maxBodyBytes));
  const actor = resolveActor(body.actor, req.headers.get(ACTOR_HEADER));
  return json(await recordDecision(serverCore(), { ...body, actor }), 201);
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
