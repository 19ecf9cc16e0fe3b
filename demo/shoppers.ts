import { createHmac, randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { signAppProxyRequest } from "../app/shopify/app-proxy.server";
import { answerStorefrontEvents } from "../app/models/storefront/events-answer.server";
import { answerStorefrontRecommendations } from "../app/models/storefront/proxy-answer.server";
import { Random } from "./random";

/**
 * Weeks of shoppers on the demo store's blocks, played at start-up through the app's own code,
 * so that the admin's revenue, click-through and lift have something to show. Each step takes
 * the path a live storefront's takes, and nothing is written to the tables directly:
 *
 * - a block's question, signed as Shopify's app proxy signs it, answered by the recommendation
 *   service (`answerStorefrontRecommendations`: the holdout, the shopper's lists, the answer token);
 * - the block's impressions, clicks and add-to-carts reported with that token
 *   (`answerStorefrontEvents`: the token and shopper checks, the dedupe, the rate limit);
 * - each order as a signed orders/create webhook (`receiveWebhook`), which the ingestion job
 *   stores and attributes to the clicks that came before it.
 *
 * The behaviour model, seeded so that every run plays the same visits:
 * - a shopper's taste is the product types of their orders in the store's history;
 * - a visit sees the home page's "Recommended for you" (8 products), then the page of a product
 *   of their taste with "You may also like" (4);
 * - each product shown is clicked with probability CLICK (2%), or TASTE_CLICK (8%) when it is of
 *   the shopper's taste; a clicked product goes into the cart with ADD (40%), and a product in the
 *   cart is bought with BUY (40%): a click ends in a purchase 16% of the time;
 * - apart from the blocks, a visit ends in an order of a product of their taste found another way
 *   with BASELINE (20%), in either group: most orders would have happened anyway.
 * Holdout shoppers behave the same way towards what they are shown, the shop-wide lists. The lift
 * the admin reports is what better-matched lists bring under this model, measured by the app.
 * Which shoppers are in the holdout is the app's draw from the shop's id, so the figures differ a
 * little between data folders; the visits themselves do not.
 */
const VISIT_MODEL = { CLICK: 0.02, TASTE_CLICK: 0.08, ADD: 0.4, BUY: 0.4, BASELINE: 0.2 } as const;

export interface ShopperVisitOptions {
  days?: number;
  visitsPerDay?: number;
  seed?: number;
}

export interface VisitsPlayed {
  visits: number;
  holdoutVisits: number;
  impressions: number;
  clicks: number;
  addToCarts: number;
  orders: number;
}

interface Shopper {
  externalId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  taste: Set<string>;
  favourites: string[];
}

interface CatalogueProduct {
  externalId: string;
  title: string;
  price: number;
  productType: string;
  variantId: string | null;
}

interface Shown {
  token: string;
  holdout: boolean;
  products: { externalId: string }[];
}

interface Visit {
  context: PlayContext;
  shopper: Shopper;
  random: Random;
  cart: Set<string>;
  played: VisitsPlayed;
}

interface PlayContext {
  db: PrismaClient;
  receiveWebhook: (request: Request) => Promise<Response>;
  domain: string;
  secret: string;
  catalogue: Map<string, CatalogueProduct>;
  webhookIds: string[];
  nextOrder: number;
}

/** Plays the visits, waits until their orders are ingested and attributed, and says what happened. */
export async function playShopperVisits(
  db: PrismaClient,
  shopId: string,
  secret: string,
  options: ShopperVisitOptions = {},
): Promise<VisitsPlayed> {
  const { days = 21, visitsPerDay = 12, seed = 7 } = options;
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
  const [shoppers, catalogue] = await Promise.all([loadShoppers(db, shopId), loadCatalogue(db, shopId)]);
  if (!shoppers.length) throw new Error("the demo store has no customers with orders to play visits for");
  // Loaded here, not on import: the webhook route's module reads the app's settings and opens the database.
  const { receiveWebhook } = await import("../app/webhooks.server");
  const context: PlayContext = {
    db,
    receiveWebhook,
    domain: shop.domain,
    secret,
    catalogue,
    webhookIds: [],
    nextOrder: await firstOrderNumber(db, shopId),
  };
  const random = new Random(seed);
  const played: VisitsPlayed = { visits: 0, holdoutVisits: 0, impressions: 0, clicks: 0, addToCarts: 0, orders: 0 };
  for (let visit = 0; visit < days * visitsPerDay; visit++) {
    await playVisit({ context, shopper: random.pick(shoppers), random, cart: new Set(), played });
  }
  await waitForIngestion(db, context.webhookIds);
  return played;
}

async function playVisit(visit: Visit) {
  const { shopper, random, played } = visit;
  const home = await ask(visit, { placement: "for_you", limit: "8" });
  played.visits++;
  if (home.holdout) played.holdoutVisits++;
  await browse(visit, home);
  const productPage = random.pick(shopper.favourites);
  await browse(visit, await ask(visit, { placement: "related", product_id: productPage, limit: "4" }));
  if (random.chance(VISIT_MODEL.BASELINE)) visit.cart.add(random.pick(shopper.favourites));
  if (visit.cart.size) await placeOrder(visit);
}

/** What a shopper does with one block: sees it, clicks what appeals, adds some of it to the cart. */
async function browse(visit: Visit, shown: Shown) {
  const { random, shopper, context, played } = visit;
  if (!shown.products.length) return;
  played.impressions += await report(
    visit,
    shown.token,
    "impression",
    shown.products.map((product) => product.externalId),
  );
  for (const { externalId } of shown.products) {
    const ofTaste = shopper.taste.has(context.catalogue.get(externalId)?.productType ?? "-");
    if (!random.chance(ofTaste ? VISIT_MODEL.TASTE_CLICK : VISIT_MODEL.CLICK)) continue;
    played.clicks += await report(visit, shown.token, "click", [externalId]);
    if (!random.chance(VISIT_MODEL.ADD)) continue;
    played.addToCarts += await report(visit, shown.token, "add_to_cart", [externalId]);
    if (random.chance(VISIT_MODEL.BUY)) visit.cart.add(externalId);
  }
}

/** The block's question as Shopify's app proxy forwards it: signed, with the logged-in customer and the browser. */
async function ask(visit: Visit, query: Record<string, string>): Promise<Shown> {
  const { context, shopper } = visit;
  const url = proxyUrl(context, "recommendations", { ...query, logged_in_customer_id: shopper.externalId, visitor: browserOf(shopper) });
  const answer = await answerStorefrontRecommendations(context.db, url, context.secret);
  if (answer.status !== 200)
    throw new Error(`the demo's ${query.placement} question answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as Shown;
}

/**
 * Reports what the shopper did with a block; returns how many events the app recorded. An answer's
 * token is the same for a minute, so a shopper who comes back within it and sees the same list
 * reports events the app already has, and they count once.
 */
async function report(visit: Visit, token: string, kind: "impression" | "click" | "add_to_cart", productIds: string[]): Promise<number> {
  const { context, shopper } = visit;
  const url = proxyUrl(context, "events", { logged_in_customer_id: shopper.externalId });
  const body = JSON.stringify({ token, kind, productIds, visitor: browserOf(shopper) });
  const answer = await answerStorefrontEvents(context.db, url, body, context.secret);
  if (answer.status !== 202) throw new Error(`the demo's ${kind} report answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return (answer.body as { recorded: number }).recorded;
}

function proxyUrl(context: PlayContext, route: string, query: Record<string, string>): URL {
  return signAppProxyRequest(
    new URL(`http://localhost/apps/affinity/${route}?${new URLSearchParams(query)}`),
    context.domain,
    "/apps/affinity",
    context.secret,
  );
}

/** One browser per shopper, as Shopify's `_shopify_y` cookie keeps it across visits. */
const browserOf = (shopper: Shopper) => `demo-browser-${shopper.externalId}`;

/** The cart checked out: a signed orders/create delivery, as Shopify sends it. */
async function placeOrder(visit: Visit) {
  const { context, shopper, played } = visit;
  const number = context.nextOrder++;
  const now = new Date().toISOString();
  const lines = [...visit.cart].map((externalId, index) => {
    const product = context.catalogue.get(externalId)!;
    return {
      id: String(number * 10 + index),
      product_id: externalId,
      variant_id: product.variantId,
      title: product.title,
      quantity: 1,
      price: product.price.toFixed(2),
    };
  });
  const total = lines.reduce((sum, line) => sum + Number(line.price), 0);
  const order = {
    id: String(number),
    name: `#D${number}`,
    currency: "USD",
    total_price: total.toFixed(2),
    financial_status: "paid",
    created_at: now,
    updated_at: now,
    customer: { id: shopper.externalId, email: shopper.email, first_name: shopper.firstName, last_name: shopper.lastName },
    line_items: lines,
  };
  const webhookId = randomUUID();
  const rawBody = JSON.stringify(order);
  const request = new Request("http://localhost/webhooks/orders/create", {
    method: "POST",
    body: rawBody,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Shop-Domain": context.domain,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Hmac-Sha256": createHmac("sha256", context.secret).update(rawBody, "utf8").digest("base64"),
    },
  });
  const response = await context.receiveWebhook(request);
  if (response.status !== 200) throw new Error(`the demo's order webhook answered ${response.status}`);
  context.webhookIds.push(webhookId);
  played.orders++;
}

/** Ingestion runs on the job queue: the figures are complete once every delivery is processed. */
async function waitForIngestion(db: PrismaClient, webhookIds: string[], timeoutMs = 180_000) {
  const started = Date.now();
  for (;;) {
    const stored = await db.webhookEvent.findMany({ where: { webhookId: { in: webhookIds } }, select: { processedAt: true, error: true } });
    const failed = stored.find((event) => event.error);
    if (failed) throw new Error(`a demo order could not be ingested: ${failed.error}`);
    if (stored.length === webhookIds.length && stored.every((event) => event.processedAt)) return;
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `${webhookIds.length - stored.filter((event) => event.processedAt).length} demo orders were not ingested within ${timeoutMs / 1000} s`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Customers with orders, each with the product types they bought and the products of those types. */
async function loadShoppers(db: PrismaClient, shopId: string): Promise<Shopper[]> {
  const rows = await db.$queryRaw<
    { externalId: string; email: string | null; firstName: string | null; lastName: string | null; types: string[] }[]
  >`
    SELECT c."externalId", c.email, c."firstName", c."lastName", array_agg(DISTINCT p."productType") AS types
    FROM "Customer" c JOIN "Order" o ON o."customerId" = c.id JOIN "OrderLine" l ON l."orderId" = o.id JOIN "Product" p ON p.id = l."productId"
    WHERE c."shopId" = ${shopId} AND p."productType" <> ''
    GROUP BY c.id ORDER BY c."externalId"`;
  const products = await db.product.findMany({
    where: { shopId, available: true, deletedAt: null },
    select: { externalId: true, productType: true },
    orderBy: { externalId: "asc" },
  });
  const byType = new Map<string, string[]>();
  for (const product of products)
    if (product.productType) byType.set(product.productType, [...(byType.get(product.productType) ?? []), product.externalId]);
  return rows
    .map((row) => ({ ...row, taste: new Set(row.types), favourites: row.types.flatMap((type) => byType.get(type) ?? []) }))
    .filter((shopper) => shopper.favourites.length > 0);
}

async function loadCatalogue(db: PrismaClient, shopId: string): Promise<Map<string, CatalogueProduct>> {
  const products = await db.product.findMany({
    where: { shopId },
    select: {
      externalId: true,
      title: true,
      priceMin: true,
      productType: true,
      variants: { select: { externalId: true }, take: 1, orderBy: { externalId: "asc" } },
    },
  });
  return new Map(
    products.map((product) => [
      product.externalId,
      {
        externalId: product.externalId,
        title: product.title,
        price: Number(product.priceMin ?? 0),
        productType: product.productType,
        variantId: product.variants[0]?.externalId ?? null,
      },
    ]),
  );
}

/** Order numbers after every one the store has, so that a second run adds new orders. */
async function firstOrderNumber(db: PrismaClient, shopId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ highest: string | null }[]>`
    SELECT MAX("externalId"::numeric)::text AS highest FROM "Order" WHERE "shopId" = ${shopId} AND "externalId" ~ '^[0-9]+$'`;
  return Math.max(6_000_000_000, Number(row?.highest ?? 0) + 1);
}
