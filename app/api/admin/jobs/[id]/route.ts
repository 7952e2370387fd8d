import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { getJob } from "@/lib/jobs/store";
import { prisma } from "@/lib/core";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(
  async (_req, params) => json({ job: await getJob(prisma(), String(params.id ?? "")) }),
  { admin: true },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
