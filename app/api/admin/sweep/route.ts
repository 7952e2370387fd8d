import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { queryObject } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { SweepQuerySchema } from "@/lib/http/schemas";
import { sweepDuplicates } from "@/lib/dedup/sweep";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(
  async (req) => {
    const q = SweepQuerySchema.parse(queryObject(req));
    return json(await sweepDuplicates(serverCore(), q));
  },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
