import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { readWebhook, requireSecret } from "@/lib/http/webhook";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";
import { handleOnce } from "@/lib/bot/deliveries";
import { handleJiraEvent } from "@/lib/bot/events";
import { bodyDeliveryId, validSharedSecret } from "@/lib/bot/signature";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Jira webhooks: X-Hub-Signature (secret set in Jira) or the shared secret (?secret= or X-Bugsift-Secret). */
export const POST = route(
  async (req) => {
    const secret = requireSecret(config().sync.jira?.webhookSecret, "Jira");
    const query = new URL(req.url).searchParams.get("secret");
    const { raw, payload } = await readWebhook(req, (body) => validSharedSecret(secret, body, (h) => req.headers.get(h), query), "Jira");
    const delivery = req.headers.get("x-atlassian-webhook-identifier") ?? bodyDeliveryId(raw);
    const event = typeof (payload as { webhookEvent?: unknown })?.webhookEvent === "string" ? (payload as { webhookEvent: string }).webhookEvent : "unknown";
    const core = serverCore();
    const r = await handleOnce(core.db, "jira", delivery, event, () => handleJiraEvent(core, payload));
    return json(r.replayed ? { replayed: true } : { replayed: false, ...r.result });
  },
  { name: "webhooks/jira" },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
