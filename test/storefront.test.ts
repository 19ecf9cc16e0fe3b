import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../app/db/migrate.server";
import { verifyToken, type RecommendationAnswer } from "../app/models/recommendations.server";
import { ensureShop } from "../app/models/shops.server";
import { importStoreSnapshot } from "../app/models/store-import.server";
import { publishInvalidation } from "../app/models/storefront/invalidation.server";
import { trainShop } from "../app/models/training.server";
import type { RunningServer } from "../server";
import { generateDemoStore } from "../workers/demo/generate";

const SECRET = "storefront-test-secret";
const STORE = "storefront-test";
const SHOP = `${STORE}.myshopify.com`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-storefront-"));
const saved = { ...process.env };
const store = generateDemoStore({ seed: 5, products: 80, customers: 150, orders: 1_200 });

let server: RunningServer;
let db: PrismaClient;
let shopId: string;

/** A storefront request as Shopify's app proxy forwards it: shop, timestamp and signature added. */
async function proxied(query: Record<string, string>, tamper?: (url: URL) => void) {
  const url = new URL(`${server.origin}/apps/affinity/recommendations`);
  for (const [key, value] of Object.entries({ path_prefix: "/apps/affinity", ...query })) url.searchParams.set(key, value);
  const signed = new URL((await setUpValidRequest({ type: RequestType.Public, store: STORE, apiSecretKey: SECRET }, new Request(url))).url);
  tamper?.(signed);
  const response = await fetch(signed);
  return { status: response.status, body: (await response.json().catch(() => null)) as RecommendationAnswer & { errors?: { field: string }[] } };
}

const customerWithOrders = async () => {
  const buyer = await db.order.groupBy({ by: ["customerId"], where: { shopId, customerId: { not: null } }, _count: { _all: true }, orderBy: { _count: { customerId: "desc" } }, take: 1 });
  return db.customer.findUniqueOrThrow({ where: { id: buyer[0].customerId! } });
};

beforeAll(async () => {
  const target = { kind: "pglite" as const, dataDir: path.join(dataDir, "pglite") };
  await applyMigrations(target);
  Object.assign(process.env, {
    AFFINITY_DATA_DIR: dataDir,
    NODE_ENV: "test",
    SHOPIFY_API_KEY: "storefront-test-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: "http://127.0.0.1",
    SCOPES: "read_products,read_orders,read_customers",
  });
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  delete process.env.AFFINITY_DEMO;
  const { startServer } = await import("../server");
  server = await startServer({ host: "127.0.0.1", port: 0, dev: true });
  const { processDatabase } = await import("../app/db.server");
  db = processDatabase().prisma;
  shopId = (await ensureShop(db, SHOP)).id;
  await importStoreSnapshot(db, shopId, store, "DEMO");
  await db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0 } });
  await trainShop(db, shopId);
}, 120_000);

afterAll(async () => {
  await server?.close();
  const { shutdownProcess } = await import("../workers/runtime");
  await shutdownProcess();
  process.env = saved;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("storefront recommendations through the app proxy", () => {
  it("answers a signed request with everything a block renders, a reason per product and a tracking token", async () => {
    const customer = await customerWithOrders();
    const { status, body } = await proxied({ placement: "for_you", logged_in_customer_id: customer.externalId, limit: "6" });
    expect(status).toBe(200);
    expect(body.products).toHaveLength(6);
    expect(body.products[0]).toMatchObject({
      externalId: expect.any(String), title: expect.any(String), url: expect.stringMatching(/^\/products\//), price: expect.any(Number),
      image: expect.any(String), variantId: expect.any(String), available: true, reason: expect.any(String), tier: "personal",
    });
    expect(new Set(body.products.map((product) => product.externalId)).size).toBe(6);
    expect(verifyToken(SECRET, body.token)).toMatchObject({ s: shopId, p: "FOR_YOU", v: body.modelVersionId, h: 0 });
    // The shopper's own purchases are hidden (hide purchased is on by default).
    const bought = await db.interaction.findMany({ where: { shopId, customerId: customer.id, kind: "PURCHASE" }, select: { productId: true } });
    expect(body.products.some((product) => bought.some((row) => row.productId === product.productId))).toBe(false);
  });

  it("refuses an unsigned or altered request before reading anything", async () => {
    const unsigned = await fetch(`${server.origin}/apps/affinity/recommendations?shop=${SHOP}&placement=for_you`);
    expect(unsigned.status).toBe(400);
    const altered = await proxied({ placement: "for_you", logged_in_customer_id: "1" }, (url) => url.searchParams.set("logged_in_customer_id", "2"));
    expect(altered.status).toBe(400);
    const forged = await proxied({ placement: "for_you" }, (url) => url.searchParams.set("signature", "0".repeat(64)));
    expect(forged.status).toBe(400);
  });

  it("falls back to trending for a guest, and names each bad parameter", async () => {
    const guest = await proxied({ placement: "for_you" });
    expect(guest.status).toBe(200);
    expect(guest.body.products.length).toBe(8);
    expect(new Set(guest.body.products.map((product) => product.tier))).toEqual(new Set(["trending"]));
    const bad = await proxied({ placement: "bought_together", limit: "500" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors!.map((error) => error.field).sort()).toEqual(["limit", "product_id"]);
    expect((await proxied({ placement: "everything" })).body.errors![0].field).toBe("placement");
  });

  it("answers bought together for the product shown without the product itself or what is in the cart", async () => {
    const shown = store.products[0].externalId;
    const cartItem = store.products[1].externalId;
    const { status, body } = await proxied({ placement: "bought_together", product_id: shown, cart: cartItem, limit: "10" });
    expect(status).toBe(200);
    expect(body.products.length).toBe(10);
    expect(body.products.map((product) => product.externalId)).not.toContain(shown);
    expect(body.products.map((product) => product.externalId)).not.toContain(cartItem);
    expect(body.products[0].reason).toMatch(/^Often bought with |^Similar to |^You may also like/);
  });

  it("applies the merchant's rules as soon as they are saved, and product changes as soon as they arrive", async () => {
    const before = await proxied({ placement: "trending", limit: "5" });
    const [first, second] = before.body.products;
    await db.merchandisingRule.createMany({
      data: [
        { shopId, kind: "EXCLUDE", placement: null, targetType: "PRODUCT", targetValue: first.externalId },
        { shopId, kind: "PIN", placement: "TRENDING", targetType: "PRODUCT", targetValue: store.products.at(-1)!.externalId, position: 1 },
      ],
    });
    await publishInvalidation({ shopId, scope: "rules" });
    const after = await proxied({ placement: "trending", limit: "5" });
    expect(after.body.products[0]).toMatchObject({ externalId: store.products.at(-1)!.externalId, tier: "pinned", reason: "Featured" });
    expect(after.body.products.map((product) => product.externalId)).not.toContain(first.externalId);

    await db.product.update({ where: { id: second.productId }, data: { available: false } });
    await publishInvalidation({ shopId, scope: "products", productIds: [second.externalId] });
    expect((await proxied({ placement: "trending", limit: "5" })).body.products.map((product) => product.externalId)).not.toContain(second.externalId);
    await db.merchandisingRule.deleteMany({ where: { shopId } });
    await db.product.update({ where: { id: second.productId }, data: { available: true } });
    await publishInvalidation({ shopId, scope: "rules" });
    await publishInvalidation({ shopId, scope: "products" });
  });

  it("serves the new model version once training switches to it", async () => {
    const before = await proxied({ placement: "trending" });
    const result = await trainShop(db, shopId);
    const after = await proxied({ placement: "trending" });
    expect(after.body.modelVersionId).toBe(result.modelVersionId);
    expect(after.body.modelVersionId).not.toBe(before.body.modelVersionId);
  });

  it("keeps a stable share of shoppers in the holdout, who see shop-wide lists only", async () => {
    await db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 1 } });
    await publishInvalidation({ shopId, scope: "rules" });
    const customer = await customerWithOrders();
    const held = await proxied({ placement: "for_you", logged_in_customer_id: customer.externalId });
    expect(held.body.holdout).toBe(true);
    expect(held.body.products.every((product) => product.tier === "trending" || product.tier === "best_sellers")).toBe(true);
    expect(verifyToken(SECRET, held.body.token)!.h).toBe(1);
    await db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0 } });
    await publishInvalidation({ shopId, scope: "rules" });
    expect((await proxied({ placement: "for_you", logged_in_customer_id: customer.externalId })).body.holdout).toBe(false);
  });
});
