import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { ReindexRequestSchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { startReindex } from "@/lib/jobs/reindex";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(
  async (req) => {
    const body = ReindexRequestSchema.parse(await readJson(req, config().maxBodyBytes, true));
    const { job } = await startReindex(serverCore(), body);
    return json({ jobId: job.id, job }, 202);
  },
  { admin: true },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"], { admin: true });
