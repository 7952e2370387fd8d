import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { SyncConnectorSchema, SyncStartRequestSchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";
import { startSync, syncSourceStatus } from "@/lib/sync/admin";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(
  async (_req, params) => json({ source: await syncSourceStatus(serverCore(), SyncConnectorSchema.parse(params.source)) }),
);

/** Starts a sync in the background; 202 with the status, 409 when one is running. */
export const POST = route(
  async (req, params) => {
    const name = SyncConnectorSchema.parse(params.source);
    const body = SyncStartRequestSchema.parse(await readJson(req, config().maxBodyBytes, true));
    const { status } = await startSync(serverCore(), name, body);
    return json({ source: status }, 202);
  },
);

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
