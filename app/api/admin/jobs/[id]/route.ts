import { json, otherMethods, route } from "@/lib/api/index";
import { getJob } from "@/lib/jobs/store";
import { prisma } from "@/lib/reports/context";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(
  async (_req, params) => json({ job: await getJob(prisma(), String(params.id ?? "")) }),
  { admin: true },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
