import { idParam, json, otherMethods, route } from "@/lib/api/index";
import { prisma } from "@/lib/reports/context";
import { decisionHistory } from "@/lib/triage/record";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (_req, params) => {
  const reportId = idParam(params);
  return json({ reportId, decisions: await decisionHistory(prisma(), reportId) });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
