import { json, otherMethods, queryObject, route } from "@/lib/api/index";
import { SearchQuerySchema } from "@/lib/api/schemas";
import { prisma } from "@/lib/reports/context";
import { searchReports } from "@/lib/search/search";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(
  async (req) => {
    const q = SearchQuerySchema.parse(queryObject(req));
    return json(await searchReports(prisma(), q.q, q, { limit: q.limit, offset: q.offset }));
  },
  { rateLimited: true },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
