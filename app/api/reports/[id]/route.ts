import { idParam, json, otherMethods, readJson, route } from "@/lib/api/index";
import { UpdateReportSchema } from "@/lib/api/schemas";
import { config } from "@/lib/config";
import { prisma } from "@/lib/reports/context";
import { deleteReport, getReport, updateReport } from "@/lib/reports/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (_req, params) => json({ report: await getReport(prisma(), idParam(params)) }));

export const PATCH = route(
  async (req, params) => {
    const id = idParam(params);
    const patch = UpdateReportSchema.parse(await readJson(req, config().maxBodyBytes));
    return json({ report: await updateReport(prisma(), id, patch) });
  },
  { admin: true },
);

export const DELETE = route(
  async (_req, params) => {
    const id = idParam(params);
    await deleteReport(prisma(), id);
    return json({ deleted: id });
  },
  { admin: true },
);

export const { POST, PUT, OPTIONS } = otherMethods(["GET", "PATCH", "DELETE"]);
