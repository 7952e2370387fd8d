import { idParam, route } from "@/lib/http/handler";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { UpdateReportSchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";
import { deleteReport, getReport, updateReport } from "@/lib/reports/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (_req, params) => json({ report: await getReport(serverCore(), idParam(params)) }));

export const PATCH = route(
  async (req, params) => {
    const id = idParam(params);
    const patch = UpdateReportSchema.parse(await readJson(req, config().maxBodyBytes));
    return json({ report: await updateReport(serverCore(), id, patch) });
  },
  { admin: true },
);

export const DELETE = route(
  async (_req, params) => {
    const id = idParam(params);
    await deleteReport(serverCore(), id);
    return json({ deleted: id });
  },
  { admin: true },
);

export const { POST, PUT, OPTIONS } = otherMethods(["GET", "PATCH", "DELETE"]);
