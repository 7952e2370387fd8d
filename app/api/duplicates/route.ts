import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { DuplicatesRequestSchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { findDuplicates } from "@/lib/dedup/find";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(
  async (req) => {
    const body = DuplicatesRequestSchema.parse(await readJson(req, config().maxBodyBytes));
    return json(
      await findDuplicates(serverCore(), body, {
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
