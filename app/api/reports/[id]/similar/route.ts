import { idParam, json, otherMethods, queryObject, route } from "@/lib/api/index";
import { SimilarQuerySchema } from "@/lib/api/schemas";
import { prisma } from "@/lib/reports/context";
import { similarTo } from "@/lib/search/similar";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(
  async (req, params) => {
    const id = idParam(params);
    const { k } = SimilarQuerySchema.parse(queryObject(req));
    return json(await similarTo(prisma(), id, k));
  },
  { rateLimited: true },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
