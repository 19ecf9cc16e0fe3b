import type { PrismaClient } from "@prisma/client";
import type { z } from "zod";
import { markWebhookProcessed } from "../webhooks.server";
import { ensureShop } from "../shops.server";
import { publishInvalidation } from "../storefront/invalidation.server";
import {
  applyInventoryLevel,
  deleteShopifyProduct,
  upsertShopifyCustomer,
  upsertShopifyOrder,
  upsertShopifyProduct,
  upsertShopifyRefund,
} from "./shopify.server";
import { exportCustomerData, redactCustomer, redactShop } from "../privacy.server";
import {
  customerPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  deletedPayload,
  inventoryLevelPayload,
  orderPayload,
  parseShopifyJson,
  productPayload,
  refundPayload,
  shopRedactPayload,
} from "./shopify-payloads";

type Handler = (db: PrismaClient, shop: { id: string | null; domain: string }, payload: unknown) => Promise<void>;
interface Topic {
  schema: z.ZodType;
  apply: Handler;
  /** Store data needs the shop's row (created on first sight); privacy requests must not create one. */
  createsShop: boolean;
}

function handle<S extends z.ZodType>(schema: S, apply: (db: PrismaClient, shopId: string, data: z.infer<S>) => Promise<unknown>): Topic {
  return { schema, createsShop: true, apply: (db, shop, payload) => apply(db, shop.id!, payload as z.infer<S>).then(() => undefined) };
}

function privacy<S extends z.ZodType>(
  schema: S,
  apply: (db: PrismaClient, shopDomain: string, data: z.infer<S>) => Promise<unknown>,
): Topic {
  return { schema, createsShop: false, apply: (db, shop, payload) => apply(db, shop.domain, payload as z.infer<S>).then(() => undefined) };
}

/** What each topic does to the domain tables. Topics not listed are stored and marked processed. */
const TOPICS: Record<string, Topic> = {
  "orders/create": handle(orderPayload, upsertShopifyOrder),
  "orders/updated": handle(orderPayload, upsertShopifyOrder),
  "orders/cancelled": handle(orderPayload, upsertShopifyOrder),
  "products/create": handle(productPayload, upsertShopifyProduct),
  "products/update": handle(productPayload, upsertShopifyProduct),
  "products/delete": handle(deletedPayload, (db, shopId, data) => deleteShopifyProduct(db, shopId, data.id)),
  "customers/create": handle(customerPayload, upsertShopifyCustomer),
  "customers/update": handle(customerPayload, upsertShopifyCustomer),
  "refunds/create": handle(refundPayload, upsertShopifyRefund),
  "inventory_levels/update": handle(inventoryLevelPayload, applyInventoryLevel),
  "customers/data_request": privacy(customersDataRequestPayload, (db, domain, data) => exportCustomerData(db, domain, data.customer.id)),
  "customers/redact": privacy(customersRedactPayload, (db, domain, data) =>
    redactCustomer(db, domain, data.customer.id, data.orders_to_redact),
  ),
  "shop/redact": privacy(shopRedactPayload, (db, domain) => redactShop(db, domain)),
};

/**
 * Normalises one stored delivery into the domain tables. A payload that does not have the
 * documented shape is kept with its error for the merchant to see (and not retried); a
 * database failure throws, so the job is retried. Processing twice changes nothing.
 */
export async function ingestWebhookEvent(
  db: PrismaClient,
  eventId: string,
): Promise<{ topic: string; status: "ingested" | "ignored" | "rejected" | "already processed" }> {
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
  const shop = topic.createsShop
    ? await ensureShop(db, event.shopDomain)
    : await db.shop.findUnique({ where: { domain: event.shopDomain } });
  await db.$transaction(async (tx) => {
    await topic.apply(tx as PrismaClient, { id: shop?.id ?? null, domain: event.shopDomain }, parsed.data);
    // updateMany: shop/redact deletes the shop's stored deliveries, this one included.
    const stillThere = await tx.shop.findUnique({ where: { domain: event.shopDomain }, select: { id: true } });
    await tx.webhookEvent.updateMany({
      where: { id: event.id },
      data: { processedAt: new Date(), shopId: stillThere?.id ?? null, error: null, attempts: { increment: 1 } },
    });
  });
  if (shop?.id && CATALOGUE_TOPICS.has(event.topic)) {
    // Storefront answers show prices and stock: the web processes re-read what changed.
    const productId = event.topic.startsWith("products/") ? String((parsed.data as { id: string | number }).id) : undefined;
    await publishInvalidation({ shopId: shop.id, scope: "products", productIds: productId ? [productId] : undefined });
  }
  return { topic: event.topic, status: "ingested" };
}

const CATALOGUE_TOPICS = new Set(["products/create", "products/update", "products/delete", "inventory_levels/update"]);
