import { json, otherMethods, route } from "@/lib/api/index";
import { prisma } from "@/lib/reports/context";
import { facets } from "@/lib/reports/facets";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async () => json(await facets(prisma())));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
