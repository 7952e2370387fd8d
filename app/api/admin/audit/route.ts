import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { queryObject } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { AuditQuerySchema } from "@/lib/http/schemas";
import { auditEvents } from "@/lib/accounts/audit";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
/** The audit trail, newest first: ?action=&actor=<login>&limit=&before=<id of the previous page's last event>. */
export const GET = route(async (req) => json(await auditEvents(serverCore().db, AuditQuerySchema.parse(queryObject(req)))));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
