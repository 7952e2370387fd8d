import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { queryObject } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { ListJobsQuerySchema } from "@/lib/http/schemas";
import { listJobs } from "@/lib/jobs/store";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(
  async (req) => {
    const q = ListJobsQuerySchema.parse(queryObject(req));
    return json({ jobs: await listJobs(serverCore().db, q) });
  },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
