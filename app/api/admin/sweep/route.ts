import { json, otherMethods, queryObject, route } from "@/lib/api/index";
import { SweepQuerySchema } from "@/lib/api/schemas";
import { sweepDuplicates } from "@/lib/dedup/sweep";
import { prisma } from "@/lib/reports/context";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(
  async (req) => {
    const q = SweepQuerySchema.parse(queryObject(req));
    return json(await sweepDuplicates(prisma(), q));
  },
  { admin: true },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
