// Webhook deliveries are handled at most once: the delivery id (GitHub's X-GitHub-Delivery, Jira's
// X-Atlassian-Webhook-Identifier, else a hash of the body) is claimed in WebhookDelivery before the work, and
// released again when the work fails so the tracker's retry is not mistaken for a replay.
import type { PrismaClient } from "@/lib/db/client";

export interface DeliveryResult<T> {
  replayed: boolean;
  result?: T;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown })?.code === "P2002";
}

export async function handleOnce<T>(
  prisma: PrismaClient,
  source: string,
  deliveryId: string,
  event: string,
  work: () => Promise<T>,
): Promise<DeliveryResult<T>> {
  try {
    await prisma.webhookDelivery.create({ data: { source, deliveryId, event } });
  } catch (err) {
    if (isUniqueViolation(err)) return { replayed: true };
    throw err;
  }
  try {
    return { replayed: false, result: await work() };
  } catch (err) {
    await prisma.webhookDelivery.deleteMany({ where: { source, deliveryId } }).catch(() => undefined);
    throw err;
  }
}
