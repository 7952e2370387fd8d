import { json, otherMethods, readJson, route } from "@/lib/api/index";
import { CalibrateRequestSchema } from "@/lib/api/schemas";
import { config } from "@/lib/config";
import { calibrateThresholds } from "@/lib/dedup/calibrate";
import { prisma } from "@/lib/reports/context";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(
  async (req) => {
    const body = CalibrateRequestSchema.parse(await readJson(req, config().maxBodyBytes, true));
    return json(await calibrateThresholds(prisma(), body));
  },
  { admin: true },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
