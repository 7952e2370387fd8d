import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { serverCore } from "@/lib/runtime/server";
import { facets } from "@/lib/reports/facets";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async () => json(await facets(serverCore().db)));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
