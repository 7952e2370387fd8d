import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { CalibrateRequestSchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { calibrateThresholds } from "@/lib/dedup/calibrate";
import { serverCore } from "@/lib/runtime/server";
import { requestActor } from "@/lib/http/actor";
import { recordEvent } from "@/lib/accounts/audit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(
  async (req, _params, auth) => {
    const body = CalibrateRequestSchema.parse(await readJson(req, config().maxBodyBytes, true));
    const result = await calibrateThresholds(serverCore(), body);
    await recordEvent(serverCore().db, requestActor(auth), "thresholds.calibrate", null, body);
    return json(result);
  },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
