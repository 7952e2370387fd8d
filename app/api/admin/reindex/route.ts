import { json, otherMethods, readJson, route } from "@/lib/api/index";
import { ReindexRequestSchema } from "@/lib/api/schemas";
import { config } from "@/lib/config";
import { startReindex } from "@/lib/jobs/reindex";
import { prisma } from "@/lib/reports/context";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(
  async (req) => {
    const body = ReindexRequestSchema.parse(await readJson(req, config().maxBodyBytes, true));
    const { job } = await startReindex(prisma(), body);
    return json({ jobId: job.id, job }, 202);
  },
  { admin: true },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
