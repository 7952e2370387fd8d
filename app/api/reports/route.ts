import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { queryObject, readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { CreateReportSchema, ListReportsQuerySchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";
import { createReport, listReports } from "@/lib/reports/service";
import { requestActor } from "@/lib/http/actor";
import { recordEvent } from "@/lib/accounts/audit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (req) => json(await listReports(serverCore().db, ListReportsQuerySchema.parse(queryObject(req)))));

export const POST = route(
  async (req, _params, auth) => {
    const body = CreateReportSchema.parse(await readJson(req, config().maxBodyBytes));
    const report = await createReport(serverCore(), body);
    await recordEvent(serverCore().db, requestActor(auth), "report.create", report.id);
    return json({ report }, 201);
  },
  { rateLimited: true },
);

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
