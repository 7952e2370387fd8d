import { json, otherMethods, route } from "@/lib/api/index";
import { listModels } from "@/lib/jobs/models";
import { prisma } from "@/lib/reports/context";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async () => json(await listModels(prisma())), { admin: true });

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
