import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { TriageRequestSchema } from "@/lib/http/schemas";
import { requestActor } from "@/lib/http/actor";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";
import { recordDecision } from "@/lib/triage/record";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(async (req, _params, auth) => {
  const body = TriageRequestSchema.parse(await readJson(req, config().maxBodyBytes));
  return json(await recordDecision(serverCore(), { reportId: body.reportId, otherId: body.otherId, verdict: body.verdict, note: body.note, actor: requestActor(auth) }), 201);
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
