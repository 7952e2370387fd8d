import { json, otherMethods, route } from "@/lib/api/index";
import { prisma } from "@/lib/reports/context";
import { stats } from "@/lib/reports/facets";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async () => json(await stats(prisma())), { admin: true });

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
