import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { badRequest } from "@/lib/http/errors";
import { readWebhook, requireSecret } from "@/lib/http/webhook";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";
import { handleOnce } from "@/lib/bot/deliveries";
import { handleGithubEvent } from "@/lib/bot/events";
import { validHubSignature } from "@/lib/bot/signature";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GitHub `issues` / `issue_comment` deliveries, signed with X-Hub-Signature-256; a replayed delivery id does nothing. */
export const POST = route(
  async (req) => {
    const secret = requireSecret(config().sync.github?.webhookSecret, "GitHub");
    const { payload } = await readWebhook(req, (raw) => validHubSignature(secret, raw, req.headers.get("x-hub-signature-256")), "GitHub");
    const event = req.headers.get("x-github-event");
    const delivery = req.headers.get("x-github-delivery");
    if (!event || !delivery) throw badRequest("X-GitHub-Event and X-GitHub-Delivery headers are required");
    const core = serverCore();
    const r = await handleOnce(core.db, "github", delivery, event, () => handleGithubEvent(core, event, payload));
    return json(r.replayed ? { replayed: true } : { replayed: false, ...r.result });
  },
  { name: "webhooks/github" },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
