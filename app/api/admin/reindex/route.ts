import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { ReindexRequestSchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { startReindex } from "@/lib/jobs/reindex";
import { serverCore } from "@/lib/runtime/server";
import { requestActor } from "@/lib/http/actor";
import { recordEvent } from "@/lib/accounts/audit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(
  async (req, _params, auth) => {
    const body = ReindexRequestSchema.parse(await readJson(req, config().maxBodyBytes, true));
    const { job } = await startReindex(serverCore(), body);
    await recordEvent(serverCore().db, requestActor(auth), "reindex", job.id, body);
    return json({ jobId: job.id, job }, 202);
  },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
