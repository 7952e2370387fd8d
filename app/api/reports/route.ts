import { json, otherMethods, queryObject, readJson, route } from "@/lib/api/index";
import { CreateReportSchema, ListReportsQuerySchema } from "@/lib/api/schemas";
import { config } from "@/lib/config";
import { prisma } from "@/lib/reports/context";
import { createReport, listReports } from "@/lib/reports/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (req) => json(await listReports(prisma(), ListReportsQuerySchema.parse(queryObject(req)))));

export const POST = route(
  async (req) => {
    const body = CreateReportSchema.parse(await readJson(req, config().maxBodyBytes));
    return json({ report: await createReport(prisma(), body) }, 201);
  },
  { rateLimited: true },
);

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
