import { createHmac } from "node:crypto";
import type { PrismaClient } from "@prisma/client";

/**
 * The store the serving benchmarks (bench:serve, bench:soak) answer for, and the storefront
 * requests they send. Call after prepareBenchEnvironment: the app's modules read its settings.
 */
export interface BenchStore {
  shopId: string;
  products: { id: string; externalId: string; title: string; productType: string | null; tags: string[] }[];
  customers: { externalId: string; email: string | null; firstName: string | null; lastName: string | null }[];
}

/**
 * A fresh shop (PostgreSQL keeps earlier runs' shops; their data does not interfere) with the
 * generated demo store (500 products, 2,000 customers, 20,000 orders), trained, and the rules a
 * merchant would have: every kind, so that each request pays for them.
 */
export async function prepareBenchStore(prisma: PrismaClient, domain: string, log: (message: string) => void): Promise<BenchStore> {
  const { ensureShop } = await import("../app/models/shops.server");
  const { importStoreSnapshot } = await import("../app/models/store-import.server");
  const { trainShop } = await import("../app/models/training.server");
  const { generateDemoStore } = await import("../demo/generate");

  const shop = await ensureShop(prisma, domain);
  await prisma.shop.delete({ where: { id: shop.id } });
  const shopId = (await ensureShop(prisma, domain)).id;
  const store = generateDemoStore({ seed: 11 });
  let started = performance.now();
  await importStoreSnapshot(prisma, shopId, store, "DEMO");
  log(
    `loaded ${store.products.length} products, ${store.customers.length} customers, ${store.orders.length} orders in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  started = performance.now();
  await trainShop(prisma, shopId);
  log(`trained in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const products = await prisma.product.findMany({
    where: { shopId },
    select: { id: true, externalId: true, title: true, productType: true, tags: true },
    orderBy: { externalId: "asc" },
  });
  const now = Date.now();
  await prisma.shopSettings.update({
    where: { shopId },
    data: { inStockOnly: true, hidePurchased: true, maxPerProductType: 3, priceBandMin: 0.3, priceBandMax: 3, holdoutShare: 0.05 },
  });
  await prisma.promotion.create({
    data: {
      shopId,
      name: "Bench sale",
      targetType: "PRODUCT_TYPE",
      targetValue: products[0].productType ?? "",
      weight: 1.5,
      startsAt: new Date(now - 86_400_000),
      endsAt: new Date(now + 86_400_000),
    },
  });
  await prisma.seasonalityCurve.create({
    data: {
      shopId,
      targetType: "PRODUCT_TYPE",
      targetValue: products[1].productType ?? "",
      source: "MERCHANT",
      months: [1.4, 1.2, 1, 0.8, 0.7, 0.6, 0.6, 0.7, 0.9, 1.1, 1.3, 1.5],
    },
  });
  await prisma.merchandisingRule.createMany({
    data: [
      { shopId, kind: "PIN", placement: "FOR_YOU", targetType: "PRODUCT", targetValue: products[2].externalId, position: 3 },
      { shopId, kind: "EXCLUDE", placement: null, targetType: "PRODUCT", targetValue: products[3].externalId },
      { shopId, kind: "BOOST", placement: null, targetType: "TAG", targetValue: products[4].tags[0] ?? "new", weight: 1.3 },
      { shopId, kind: "BURY", placement: null, targetType: "PRODUCT", targetValue: products[5].externalId, weight: 2 },
    ],
  });
  const customers = await prisma.customer.findMany({
    where: { shopId },
    select: { externalId: true, email: true, firstName: true, lastName: true },
    orderBy: { externalId: "asc" },
  });
  return { shopId, products, customers };
}

/**
 * The storefront's questions, a mix of placements and shoppers: 40% `for_you` with a customer,
 * 20% `bought_together`, 20% `related`, 10% `cart`, 10% `trending`. The customer is the app
 * proxy's `logged_in_customer_id`.
 */
export function storefrontQueries(store: Pick<BenchStore, "products" | "customers">, count = 2_000): Record<string, string>[] {
  const { products, customers } = store;
  const queries: Record<string, string>[] = [];
  for (let i = 0; i < count; i++) {
    const customer = customers[(i * 7) % customers.length].externalId;
    const product = products[(i * 13) % products.length].externalId;
    const cart = products[(i * 17) % products.length].externalId;
    const kind = i % 10;
    if (kind < 4) queries.push({ placement: "for_you", logged_in_customer_id: customer, limit: "8" });
    else if (kind < 6) queries.push({ placement: "bought_together", product_id: product, limit: "4" });
    else if (kind < 8) queries.push({ placement: "related", product_id: product, logged_in_customer_id: customer, limit: "8" });
    else if (kind < 9) queries.push({ placement: "cart", cart, limit: "4" });
    else queries.push({ placement: "trending", limit: "8" });
  }
  return queries;
}

/**
 * A storefront request as Shopify's app proxy forwards it: `shop`, `path_prefix`, `timestamp`
 * and the signature added. The app accepts a timestamp within 90 seconds, so a longer run signs
 * its requests again as it goes.
 */
export function signedProxyPath(
  query: Record<string, string>,
  shop: string,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  const params: Record<string, string> = { shop, path_prefix: "/apps/affinity", timestamp: String(nowSeconds), ...query };
  const message = Object.keys(params)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join("");
  const search = new URLSearchParams({ ...params, signature: createHmac("sha256", secret).update(message).digest("hex") });
  return `/apps/affinity/recommendations?${search}`;
}

/** The same question through the headless API (`Authorization: Bearer <key>`). */
export function headlessPath(query: Record<string, string>): string {
  const { logged_in_customer_id: customer, ...rest } = query;
  return `/api/v1/recommendations?${new URLSearchParams({ ...rest, ...(customer ? { customer_id: customer } : {}) })}`;
}
