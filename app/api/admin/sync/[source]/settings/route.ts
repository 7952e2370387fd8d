import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { BotSettingsPatchSchema, SyncConnectorSchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";
import { updateBotSettings } from "@/lib/sync/admin";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Changes some of the tracker's bot settings; answers the whole status. */
export const PUT = route(
  async (req, params) => {
    const name = SyncConnectorSchema.parse(params.source);
    const patch = BotSettingsPatchSchema.parse(await readJson(req, config().maxBodyBytes));
    return json({ source: await updateBotSettings(serverCore(), name, patch) });
  },
);

export const { GET, HEAD, POST, PATCH, DELETE, OPTIONS } = otherMethods(["PUT"]);
