import { idParam, route } from "@/lib/http/handler";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { prisma } from "@/lib/core";
import { decisionHistory } from "@/lib/triage/record";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (_req, params) => {
  const reportId = idParam(params);
  return json({ reportId, decisions: await decisionHistory(prisma(), reportId) });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
