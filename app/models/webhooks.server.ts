import type { PrismaClient } from "@prisma/client";

export interface Delivery {
  webhookId: string;
  shopDomain: string;
  topic: string;
  apiVersion: string | null;
  rawBody: string;
  /** Set when the body could not even be read as JSON. */
  error?: string;
}

export interface StoredDelivery {
  id: string;
  processedAt: Date | null;
  /** A retry of a delivery already stored: acknowledged and ignored. */
  duplicate: boolean;
}

/**
 * Stores deliveries once each: a retry carries the same webhook id and is reported as a
 * duplicate. The stored row is the truth; the ingest job is only a hint that it is waiting.
 * One statement for the whole batch, as it sits on the acknowledgement path.
 */
export async function storeWebhooks(db: PrismaClient, deliveries: Delivery[]): Promise<StoredDelivery[]> {
  const column = <T>(pick: (delivery: Delivery) => T) => deliveries.map(pick);
  const received = new Date();
  const inserted = await db.$queryRaw<{ id: string; webhookId: string }[]>`
    INSERT INTO "WebhookEvent" ("id", "webhookId", "shopDomain", "topic", "apiVersion", "rawBody", "receivedAt", "processedAt", "error")
    SELECT gen_random_uuid()::text, d.webhook_id, d.shop_domain, d.topic, d.api_version, d.raw_body, ${received}::timestamp(3),
           CASE WHEN d.error IS NULL THEN NULL ELSE ${received}::timestamp(3) END, d.error
    FROM unnest(${column((d) => d.webhookId)}::text[], ${column((d) => d.shopDomain)}::text[], ${column((d) => d.topic)}::text[],
                ${column((d) => d.apiVersion)}::text[], ${column((d) => d.rawBody)}::text[], ${column((d) => d.error ?? null)}::text[])
      AS d(webhook_id, shop_domain, topic, api_version, raw_body, error)
    ON CONFLICT ("webhookId") DO NOTHING
    RETURNING "id", "webhookId"`;
  const fresh = new Map(inserted.map((row) => [row.webhookId, row.id]));
  const repeated = deliveries.filter((delivery) => !fresh.has(delivery.webhookId)).map((delivery) => delivery.webhookId);
  const earlier = repeated.length
    ? new Map(
        (
          await db.webhookEvent.findMany({
            where: { webhookId: { in: repeated } },
            select: { id: true, webhookId: true, processedAt: true },
          })
        ).map((row) => [row.webhookId, row]),
      )
    : new Map();
  // The same id twice in one batch: the first is stored, the second is its duplicate.
  const claimed = new Set<string>();
  return deliveries.map((delivery) => {
    const id = fresh.get(delivery.webhookId);
    if (id && !claimed.has(delivery.webhookId)) {
      claimed.add(delivery.webhookId);
      return { id, processedAt: delivery.error ? received : null, duplicate: false };
    }
    const row = earlier.get(delivery.webhookId);
    return { id: id ?? row!.id, processedAt: id ? null : row!.processedAt, duplicate: true };
  });
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
async function listFailedWebhooks(db: PrismaClient, shopDomain: string, take = 20) {
  return db.webhookEvent.findMany({
    where: { shopDomain, error: { not: null } },
    orderBy: { receivedAt: "desc" },
    select: { id: true, topic: true, receivedAt: true, processedAt: true, attempts: true, error: true },
    take,
  });
}

/** Why a delivery failed, in the terms the merchant can act on. */
export type WebhookFailureReason = "not_json" | "unexpected_payload" | "waiting_for_data" | "storing_failed";

/** Reads a stored error (as ingestion writes it) as a reason and the part worth showing. */
function explainWebhookError(error: string): { reason: WebhookFailureReason; detail: string } {
  if (/^the body (is not JSON|holds a NUL byte)/.test(error))
    return { reason: "not_json", detail: error.replace(/^the body is not JSON: /, "") };
  const unexpected = /^unexpected \S+ payload: (.*)$/s.exec(error);
  if (unexpected) return { reason: "unexpected_payload", detail: unexpected[1] };
  if (/is not stored yet/.test(error)) return { reason: "waiting_for_data", detail: error.replace(/; will retry$/, "") };
  return { reason: "storing_failed", detail: error };
}

/** The shop's failed deliveries as the home page shows them: newest first, each with its reason. */
export async function failedWebhooksForAdmin(db: PrismaClient, shopDomain: string, take = 20) {
  const failed = await listFailedWebhooks(db, shopDomain, take);
  return failed.map((event) => ({
    id: event.id,
    topic: event.topic,
    receivedAt: event.receivedAt.toISOString(),
    attempts: event.attempts,
    // Unprocessed: a retry is queued, or the sweeper will queue one.
    pending: event.processedAt === null,
    ...explainWebhookError(event.error!),
  }));
}

/**
 * Reopens the shop's failed deliveries for another ingestion and returns the ones to queue
 * (with the attempt count, which keys the job so that one retry is queued once). Ids of
 * another shop, or of deliveries that have since succeeded, are left alone. The last error
 * stays until an attempt succeeds (ingestion clears it) or fails again (it writes the new one).
 */
export async function reopenFailedWebhooks(db: PrismaClient, shopDomain: string, ids: string[] | "all") {
  const failed = await db.webhookEvent.findMany({
    where: { shopDomain, error: { not: null }, ...(ids === "all" ? {} : { id: { in: ids } }) },
    select: { id: true, attempts: true },
    take: 500,
  });
  if (failed.length)
    await db.webhookEvent.updateMany({ where: { id: { in: failed.map((event) => event.id) }, shopDomain }, data: { processedAt: null } });
  return failed;
}

/** The merchant does not want these deliveries: their stored payloads are deleted. Returns how many. */
export async function dismissFailedWebhooks(db: PrismaClient, shopDomain: string, ids: string[] | "all") {
  const { count } = await db.webhookEvent.deleteMany({
    where: { shopDomain, error: { not: null }, ...(ids === "all" ? {} : { id: { in: ids } }) },
  });
  return count;
}

/** Whether a delivery id is this shop's (a retry of another shop's delivery answers 404). */
export async function isShopWebhook(db: PrismaClient, shopDomain: string, id: string) {
  return (await db.webhookEvent.count({ where: { id, shopDomain } })) > 0;
}
