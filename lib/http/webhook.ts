// The HTTP side of the tracker webhooks: raw body within the import cap (issue payloads can be large), the
// signature or shared secret checked on those exact bytes before anything is parsed or stored (401
// otherwise), then the JSON.
import { config } from "@/lib/config";
import { readBodyBytes } from "@/lib/http/body";
import { ApiError, badRequest } from "@/lib/http/errors";

export interface WebhookRequest {
  raw: Uint8Array;
  payload: unknown;
}

/** 404 when the tracker's webhook has no secret configured: an unauthenticated endpoint is never open. */
export function requireSecret(secret: string | undefined, what: string): string {
  if (!secret) throw new ApiError(404, "not_found", `${what} webhooks are not configured (docs/sync.md)`);
  return secret;
}

export async function readWebhook(req: Request, verify: (raw: Uint8Array) => boolean, what: string): Promise<WebhookRequest> {
  const raw = await readBodyBytes(req, config().maxImportBytes);
  if (!verify(raw)) throw new ApiError(401, "unauthorized", `${what} webhook: missing or wrong signature/secret`);
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    throw badRequest(`${what} webhook: the body is not JSON`);
  }
  return { raw, payload };
}
