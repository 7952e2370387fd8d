import { idParam, route } from "@/lib/http/handler";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { UpdateReportSchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";
import { deleteReport, getReport, updateReport } from "@/lib/reports/service";
import { requestActor } from "@/lib/http/actor";
import { recordEvent } from "@/lib/accounts/audit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (_req, params) => json({ report: await getReport(serverCore(), idParam(params)) }));

export const PATCH = route(
  async (req, params, auth) => {
    const id = idParam(params);
    const patch = UpdateReportSchema.parse(await readJson(req, config().maxBodyBytes));
    const report = await updateReport(serverCore(), id, patch);
    await recordEvent(serverCore().db, requestActor(auth), "report.update", id, Object.keys(patch));
    return json({ report });
  },
);

export const DELETE = route(
  async (_req, params, auth) => {
    const id = idParam(params);
    await deleteReport(serverCore(), id);
    await recordEvent(serverCore().db, requestActor(auth), "report.delete", id);
    return json({ deleted: id });
  },
);

export const { POST, PUT, OPTIONS } = otherMethods(["GET", "PATCH", "DELETE"]);
