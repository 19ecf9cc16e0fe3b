import type { Prisma, PrismaClient } from "@prisma/client";
import { LRUCache } from "lru-cache";
import { customerRowIds } from "./placeholders.server";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Browsers (`Visitor`, keyed by Shopify's client id or a headless storefront's own) become a
 * customer's only on proof Shopify gives, never on a claim a browser makes:
 *
 * - the app proxy's signed `logged_in_customer_id` on a request that also names the browser;
 * - a checkout the pixel saw the browser complete whose `checkout_token` the signed
 *   orders/create webhook names (`CheckoutVisitor`, whichever of the two arrives first).
 *
 * Once linked, what the browser did before counts for the customer, and orders the customer
 * places are credited to recommendations the browser clicked.
 */
async function linkVisitorToCustomer(db: Db, shopId: string, visitorKey: string, customerId: string, seenAt = new Date()): Promise<void> {
  await db.visitor.upsert({
    where: { shopId_visitorKey: { shopId, visitorKey } },
    create: { shopId, visitorKey, customerId, firstSeen: seenAt, lastSeen: seenAt },
    update: { customerId },
  });
  await db.interaction.updateMany({ where: { shopId, visitorKey, customerId: null }, data: { customerId } });
}

declare global {
  var affinityProxyLinks: LRUCache<string, true> | undefined;
}
/** Links made through the app proxy in this process lately: a shopper's every page view need not write. */
const proxyLinks = (globalThis.affinityProxyLinks ??= new LRUCache<string, true>({ max: 50_000, ttl: 10 * 60_000 }));

/** The app proxy's signed `logged_in_customer_id` with the browser the same request names. */
export async function linkProxyShopper(
  db: PrismaClient,
  shopId: string,
  customerExternalId: string | null,
  visitorKey: string | null,
): Promise<void> {
  if (!customerExternalId || !visitorKey) return;
  const cacheKey = `${shopId}:${visitorKey}:${customerExternalId}`;
  if (proxyLinks.has(cacheKey)) return;
  const customerId = (await customerRowIds(db, shopId, [customerExternalId])).get(customerExternalId)!;
  await linkVisitorToCustomer(db, shopId, visitorKey, customerId);
  proxyLinks.set(cacheKey, true);
}

/** The pixel saw this browser complete a checkout: link it now if the order is stored, or when it arrives. */
export async function recordCheckoutVisitor(db: Db, shopId: string, checkoutToken: string, visitorKey: string): Promise<void> {
  await db.checkoutVisitor.upsert({
    where: { shopId_checkoutToken: { shopId, checkoutToken } },
    create: { shopId, checkoutToken, visitorKey },
    update: {},
  });
  const order = await db.order.findFirst({ where: { shopId, checkoutToken, customerId: { not: null } }, select: { customerId: true } });
  if (order?.customerId) await linkVisitorToCustomer(db, shopId, visitorKey, order.customerId);
}

/** A signed order arrived: the browser that completed its checkout, if the pixel saw it, is the customer's. */
export async function linkCheckoutVisitor(
  db: Db,
  shopId: string,
  checkoutToken: string | null | undefined,
  customerId: string | null,
): Promise<void> {
  if (!checkoutToken || !customerId) return;
  const seen = await db.checkoutVisitor.findUnique({
    where: { shopId_checkoutToken: { shopId, checkoutToken } },
    select: { visitorKey: true },
  });
  if (seen) await linkVisitorToCustomer(db, shopId, seen.visitorKey, customerId);
}
