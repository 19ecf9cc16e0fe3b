import type { PrismaClient } from "@prisma/client";
import type { z } from "zod";
import { markWebhookProcessed } from "../webhooks.server";
import { ensureShop } from "../shops.server";
import { deleteShopifyProduct, upsertShopifyCustomer, upsertShopifyOrder, upsertShopifyProduct } from "./shopify.server";
import { customerPayload, deletedPayload, orderPayload, parseShopifyJson, productPayload } from "./shopify-payloads";

type Handler = (db: PrismaClient, shopId: string, payload: unknown) => Promise<void>;

function handle<S extends z.ZodType>(schema: S, apply: (db: PrismaClient, shopId: string, data: z.infer<S>) => Promise<unknown>): { schema: S; apply: Handler } {
  return { schema, apply: (db, shopId, payload) => apply(db, shopId, payload as z.infer<S>).then(() => undefined) };
}

/** What each topic does to the domain tables. Topics not listed are stored and marked processed. */
const TOPICS: Record<string, { schema: z.ZodType; apply: Handler }> = {
  "orders/create": handle(orderPayload, upsertShopifyOrder),
  "orders/updated": handle(orderPayload, upsertShopifyOrder),
  "orders/cancelled": handle(orderPayload, upsertShopifyOrder),
  "products/create": handle(productPayload, upsertShopifyProduct),
  "products/update": handle(productPayload, upsertShopifyProduct),
  "products/delete": handle(deletedPayload, (db, shopId, data) => deleteShopifyProduct(db, shopId, data.id)),
  "customers/create": handle(customerPayload, upsertShopifyCustomer),
  "customers/update": handle(customerPayload, upsertShopifyCustomer),
};

export const INGESTED_TOPICS = Object.keys(TOPICS);

/**
 * Normalises one stored delivery into the domain tables. A payload that does not have the
 * documented shape is kept with its error for the merchant to see (and not retried); a
 * database failure throws, so the job is retried. Processing twice changes nothing.
 */
export async function ingestWebhookEvent(db: PrismaClient, eventId: string): Promise<{ topic: string; status: "ingested" | "ignored" | "rejected" | "already processed" }> {
  const event = await db.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
  if (event.processedAt) return { topic: event.topic, status: "already processed" };
  const topic = TOPICS[event.topic];
  if (!topic) {
    await markWebhookProcessed(db, event.id);
    return { topic: event.topic, status: "ignored" };
  }
  let body: unknown;
  try {
    body = parseShopifyJson(event.rawBody);
  } catch (error) {
    await markWebhookProcessed(db, event.id, `the body is not JSON: ${(error as Error).message}`);
    return { topic: event.topic, status: "rejected" };
  }
  const parsed = topic.schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
    await markWebhookProcessed(db, event.id, `unexpected ${event.topic} payload: ${problems.join("; ")}`);
    return { topic: event.topic, status: "rejected" };
  }
  const shop = await ensureShop(db, event.shopDomain);
  await db.$transaction(async (tx) => {
    await topic.apply(tx as PrismaClient, shop.id, parsed.data);
    await tx.webhookEvent.update({ where: { id: event.id }, data: { processedAt: new Date(), shopId: shop.id, error: null, attempts: { increment: 1 } } });
  });
  return { topic: event.topic, status: "ingested" };
}
