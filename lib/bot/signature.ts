// Webhook authentication, by signature or shared secret only (no admin token, no session).
//
// GitHub: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the raw body keyed with the webhook secret
// (docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries). Jira (admin webhooks with a
// secret) signs the same way in X-Hub-Signature. Trackers that cannot sign (Bugzilla, Jira without a
// secret field) send the shared secret in the X-Bugsift-Secret header or the `secret` query parameter.
// Every comparison is constant-time.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

function hmacHex(secret: string, raw: Uint8Array): string {
  return createHmac("sha256", secret).update(raw).digest("hex");
}

/** Constant-time equality of two strings of any lengths (compares their hashes). */
function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/** True when `header` is "sha256=<hex HMAC of raw with secret>". */
export function validHubSignature(secret: string, raw: Uint8Array, header: string | null): boolean {
  if (!header || !header.startsWith("sha256=")) return false;
  return same(header.slice("sha256=".length).toLowerCase(), hmacHex(secret, raw));
}

/** A signed (X-Hub-Signature) or shared-secret (header or ?secret=) request. */
export function validSharedSecret(
  secret: string,
  raw: Uint8Array,
  get: (header: string) => string | null,
  querySecret: string | null,
): boolean {
  const signature = get("x-hub-signature-256") ?? get("x-hub-signature");
  if (signature) return validHubSignature(secret, raw, signature);
  const given = get("x-bugsift-secret") ?? querySecret;
  return given !== null && same(given, secret);
}

/** Delivery id for trackers that send none: the body's hash (a replayed body is the same delivery). */
export function bodyDeliveryId(raw: Uint8Array): string {
  return `sha256:${createHash("sha256").update(raw).digest("hex")}`;
}
