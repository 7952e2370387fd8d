import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { CalibrateRequestSchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { calibrateThresholds } from "@/lib/dedup/calibrate";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(
  async (req) => {
    const body = CalibrateRequestSchema.parse(await readJson(req, config().maxBodyBytes, true));
    return json(await calibrateThresholds(serverCore(), body));
  },
  { admin: true },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"], { admin: true });
