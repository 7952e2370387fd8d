import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { prisma } from "@/lib/core";
import { facets } from "@/lib/status/stats";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async () => json(await facets(prisma())));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
