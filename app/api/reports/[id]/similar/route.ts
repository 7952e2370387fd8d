import { idParam, route } from "@/lib/http/handler";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { queryObject } from "@/lib/http/body";
import { SimilarQuerySchema } from "@/lib/http/schemas";
import { serverCore } from "@/lib/runtime/server";
import { similarTo } from "@/lib/dedup/similar";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(
  async (req, params) => {
    const id = idParam(params);
    const { k } = SimilarQuerySchema.parse(queryObject(req));
    return json(await similarTo(serverCore(), id, k));
  },
  { rateLimited: true },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
