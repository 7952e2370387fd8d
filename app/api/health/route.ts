import { json, otherMethods, route } from "@/lib/api/index";
import { prisma } from "@/lib/reports/context";
import { health } from "@/lib/reports/health";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async () => {
  const h = await health(prisma());
  return json(h, h.ok ? 200 : 503);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
