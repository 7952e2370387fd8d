import { idParam, route } from "@/lib/http/handler";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { serverCore } from "@/lib/runtime/server";
import { decisionHistory } from "@/lib/triage/record";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (_req, params) => {
  const reportId = idParam(params);
  return json({ reportId, decisions: await decisionHistory(serverCore().db, reportId) });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
