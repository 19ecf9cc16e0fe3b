import type { PrismaClient, WebhookEvent } from "@prisma/client";
import { Prisma } from "@prisma/client";

export interface Delivery {
  webhookId: string;
  shopDomain: string;
  topic: string;
  apiVersion: string | null;
  rawBody: string;
  /** Set when the body could not even be read as JSON. */
  error?: string;
}

/**
 * Stores a delivery once: a retry carries the same webhook id and is reported as a duplicate.
 * The stored row is the truth; the ingest job is only a hint that it is waiting.
 */
export async function storeWebhook(db: PrismaClient, delivery: Delivery): Promise<{ event: WebhookEvent; duplicate: boolean }> {
  try {
    const event = await db.webhookEvent.create({
      data: {
        ...delivery,
        error: delivery.error ?? null,
        processedAt: delivery.error ? new Date() : null,
      },
    });
    return { event, duplicate: false };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const event = await db.webhookEvent.findUniqueOrThrow({ where: { webhookId: delivery.webhookId } });
      return { event, duplicate: true };
    }
    throw error;
  }
}

export async function markWebhookProcessed(db: PrismaClient, id: string, error: string | null = null) {
  await db.webhookEvent.update({ where: { id }, data: { processedAt: new Date(), error, attempts: { increment: 1 } } });
}

/** Deliveries stored but never processed (the queue or a worker was down), oldest first. */
export async function listUnprocessedWebhooks(db: PrismaClient, receivedBefore: Date, take = 500) {
  return db.webhookEvent.findMany({
    where: { processedAt: null, receivedAt: { lt: receivedBefore } },
    orderBy: { receivedAt: "asc" },
    select: { id: true },
    take,
  });
}

/** Deliveries that could not be ingested, for the merchant to see. */
export async function listFailedWebhooks(db: PrismaClient, shopDomain: string, take = 20) {
  return db.webhookEvent.findMany({
    where: { shopDomain, error: { not: null } },
    orderBy: { receivedAt: "desc" },
    select: { id: true, topic: true, receivedAt: true, error: true },
    take,
  });
}
