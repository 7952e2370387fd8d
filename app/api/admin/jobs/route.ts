import { json, otherMethods, queryObject, route } from "@/lib/api/index";
import { ListJobsQuerySchema } from "@/lib/api/schemas";
import { listJobs } from "@/lib/jobs/store";
import { prisma } from "@/lib/reports/context";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(
  async (req) => {
    const q = ListJobsQuerySchema.parse(queryObject(req));
    return json({ jobs: await listJobs(prisma(), q) });
  },
  { admin: true },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
