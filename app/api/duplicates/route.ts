import { json, otherMethods, readJson, route } from "@/lib/api/index";
import { DuplicatesRequestSchema } from "@/lib/api/schemas";
import { config } from "@/lib/config";
import { findDuplicates } from "@/lib/dedup/find";
import { prisma } from "@/lib/reports/context";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(
  async (req) => {
    const body = DuplicatesRequestSchema.parse(await readJson(req, config().maxBodyBytes));
    return json(
      await findDuplicates(prisma(), body, {
        k: body.k,
        product: body.product,
        sameProductOnly: body.sameProductOnly,
        includeBelow: body.includeBelow,
        reportId: body.reportId,
      }),
    );
  },
  { rateLimited: true },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
