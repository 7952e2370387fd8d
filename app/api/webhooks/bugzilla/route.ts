import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { readWebhook, requireSecret } from "@/lib/http/webhook";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";
import { handleOnce } from "@/lib/bot/deliveries";
import { handleBugzillaEvent } from "@/lib/bot/events";
import { bodyDeliveryId, validSharedSecret } from "@/lib/bot/signature";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Bugzilla webhooks with the shared secret (?secret= or X-Bugsift-Secret); the same body twice is one delivery. */
export const POST = route(
  async (req) => {
    const secret = requireSecret(config().sync.bugzilla?.webhookSecret, "Bugzilla");
    const query = new URL(req.url).searchParams.get("secret");
    const { raw, payload } = await readWebhook(req, (body) => validSharedSecret(secret, body, (h) => req.headers.get(h), query), "Bugzilla");
    const core = serverCore();
    const r = await handleOnce(core.db, "bugzilla", bodyDeliveryId(raw), "bugzilla", () => handleBugzillaEvent(core, payload));
    return json(r.replayed ? { replayed: true } : { replayed: false, ...r.result });
  },
  { name: "webhooks/bugzilla" },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
