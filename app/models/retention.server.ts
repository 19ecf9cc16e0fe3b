import type { PrismaClient } from "@prisma/client";

const DAY_MS = 24 * 60 * 60_000;

/**
 * How long what Affinity stores about shoppers is kept while the shop has the app installed
 * (everything of a shop goes on shop/redact, and a customer's on customers/redact):
 *
 * - a webhook delivery's raw body: 30 days once processed (a failed one stays, with its error,
 *   for the merchant to see and retry); Shopify retries a delivery for 48 hours, so the row is
 *   no longer needed to ignore redeliveries after that;
 * - which browser completed a checkout: 30 days (the order's webhook follows within minutes);
 * - an anonymous browser nobody linked to a customer, with what it did: 13 months after it was
 *   last seen (a year of seasons, and the month the models compare it with);
 * - block impressions and clicks: 13 months (the home page's periods reach a year back).
 */
export const RETENTION = {
  processedWebhookDays: 30,
  checkoutVisitorDays: 30,
  anonymousVisitorDays: 395,
  recommendationEventDays: 395,
} as const;

export interface RetentionResult {
  webhookEvents: number;
  checkoutVisitors: number;
  anonymousVisitors: number;
  anonymousInteractions: number;
  recommendationEvents: number;
}

/** Deletes what is older than RETENTION says, across every shop; safe to run at any time, and again. */
export async function applyRetention(db: PrismaClient, now = new Date()): Promise<RetentionResult> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const webhookEvents = await db.webhookEvent.deleteMany({
    where: { processedAt: { not: null, lt: before(RETENTION.processedWebhookDays) }, error: null },
  });
  const checkoutVisitors = await db.checkoutVisitor.deleteMany({ where: { createdAt: { lt: before(RETENTION.checkoutVisitorDays) } } });
  const stale = await db.visitor.findMany({
    where: { customerId: null, lastSeen: { lt: before(RETENTION.anonymousVisitorDays) } },
    select: { shopId: true, visitorKey: true },
    take: 10_000,
  });
  let anonymousInteractions = 0;
  for (const shopId of new Set(stale.map((visitor) => visitor.shopId))) {
    const keys = stale.filter((visitor) => visitor.shopId === shopId).map((visitor) => visitor.visitorKey);
    anonymousInteractions += (await db.interaction.deleteMany({ where: { shopId, customerId: null, visitorKey: { in: keys } } })).count;
    await db.visitor.deleteMany({ where: { shopId, visitorKey: { in: keys }, customerId: null } });
  }
  const recommendationEvents = await db.recommendationEvent.deleteMany({
    where: { occurredAt: { lt: before(RETENTION.recommendationEventDays) } },
  });
  return {
    webhookEvents: webhookEvents.count,
    checkoutVisitors: checkoutVisitors.count,
    anonymousVisitors: stale.length,
    anonymousInteractions,
    recommendationEvents: recommendationEvents.count,
  };
}
