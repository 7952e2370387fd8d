import { idParam, route } from "@/lib/http/handler";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { requestActor } from "@/lib/http/actor";
import { serverCore } from "@/lib/runtime/server";
import { revertDecision } from "@/lib/triage/record";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
/** Revert a decision (its author or an admin): it stops counting, the history keeps it with the revert. */
export const POST = route(async (_req, params, auth) => json(await revertDecision(serverCore(), idParam(params), requestActor(auth))));

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
