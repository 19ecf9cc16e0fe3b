import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readStoreQuality, servesRepeats } from "../app/engine/eval/store-quality";
import { createAffinityClient } from "../client/affinity-client";
import { createApiKey, listApiKeys, revokeApiKey } from "../app/models/api-keys.server";
import { API_REQUESTS_PER_SECOND } from "../app/models/storefront/headless-answer.server";
import { recommendationService, type RecommendationAnswer } from "../app/models/recommendations/index.server";
import { verifyAnswerToken } from "../app/models/signed-tokens.server";
import { upsertShopifyOrder } from "../app/models/ingest/shopify.server";
import { orderPayload } from "../app/models/ingest/shopify-payloads";
import { measureLift } from "../app/models/measurement.server";
import { ensureShop } from "../app/models/shops.server";
import { importStoreSnapshot } from "../app/models/store-import.server";
import { InvalidationBus, publishInvalidation } from "../app/models/storefront/invalidation.server";
import { SnapshotCache } from "../app/models/storefront/snapshot.server";
import { trainShop } from "../app/models/training.server";
import type { RunningServer } from "../app/http/web-server.server";
import { startTestApp, type TestApp } from "./helpers/app";
import { appProxyUrl } from "./helpers/shopify-requests";
import { generateDemoStore } from "../demo/generate";
import { liquidAnswer } from "../app/models/storefront/liquid-answer.server";
import { startProductionServer } from "./security/production";
import { Catalogue, type StoreProduct } from "../storefront-harness/catalogue";
import { StorefrontLiquid } from "../storefront-harness/liquid";
import { MarketOffers, MARKETS, PRIMARY_MARKET, type Market, type Offer } from "../storefront-harness/markets";
import { AllProductsDrop, marketGlobals, productObject } from "../storefront-harness/objects";

const SECRET = "storefront-test-secret";
const STORE = "storefront-test";
const SHOP = `${STORE}.myshopify.com`;
/** How Shopify's app proxy signs this store's storefront requests. */
const PROXY = { store: STORE, secret: SECRET };
const store = generateDemoStore({ seed: 5, products: 80, customers: 150, orders: 1_200 });

let server: RunningServer;
let db: PrismaClient;
let shopId: string;

/** A storefront request as Shopify's app proxy forwards it: shop, timestamp and signature added. */
async function proxied(query: Record<string, string>, tamper?: (url: URL) => void) {
  const signed = await appProxyUrl(`${server.origin}/apps/affinity/recommendations`, query, PROXY);
  tamper?.(signed);
  const response = await fetch(signed);
  return {
    status: response.status,
    body: (await response.json().catch(() => null)) as RecommendationAnswer & { errors?: { field: string }[] },
  };
}

const customerWithOrders = async () => {
  const buyer = await db.order.groupBy({
    by: ["customerId"],
    where: { shopId, customerId: { not: null } },
    _count: { _all: true },
    orderBy: { _count: { customerId: "desc" } },
    take: 1,
  });
  return db.customer.findUniqueOrThrow({ where: { id: buyer[0].customerId! } });
};

let app: TestApp;

/** An answer token's claims, or null when the app would refuse it. */
const verifyToken = (secret: string, token: string) => {
  const checked = verifyAnswerToken(secret, token);
  return "claims" in checked ? checked.claims : null;
};

beforeAll(async () => {
  app = await startTestApp({ name: "storefront-test", secret: SECRET });
  ({ server, db } = app);
  shopId = (await ensureShop(db, SHOP)).id;
  await importStoreSnapshot(db, shopId, store, "DEMO");
  await db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0 } });
  await trainShop(db, shopId);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe("storefront recommendations through the app proxy", () => {
  it("answers a signed request with everything a block renders, a reason per product and a tracking token", async () => {
    const customer = await customerWithOrders();
    const { status, body } = await proxied({ placement: "for_you", logged_in_customer_id: customer.externalId, limit: "6" });
    expect(status).toBe(200);
    expect(body.products).toHaveLength(6);
    expect(body.products[0]).toMatchObject({
      externalId: expect.any(String),
      title: expect.any(String),
      url: expect.stringMatching(/^\/products\//),
      price: expect.any(Number),
      image: expect.any(String),
      variantId: expect.any(String),
      available: true,
      reason: expect.any(String),
      tier: "personal",
    });
    expect(new Set(body.products.map((product) => product.externalId)).size).toBe(6);
    expect(verifyToken(SECRET, body.token)).toMatchObject({ s: shopId, p: "FOR_YOU", v: body.modelVersionId, h: 0 });
    // The shopper's own purchases are hidden (hide purchased is on by default), but for the
    // repeats training brings back where the shop's 30-day check found that customers rebuy.
    const bought = await db.interaction.findMany({
      where: { shopId, customerId: customer.id, kind: "PURCHASE" },
      select: { productId: true },
    });
    const again = body.products.filter((product) => bought.some((row) => row.productId === product.productId));
    const version = await db.modelVersion.findUniqueOrThrow({ where: { id: body.modelVersionId! } });
    const quality = readStoreQuality(version.metrics);
    if (!quality || !servesRepeats(quality.choices)) expect(again).toEqual([]);
    for (const product of again) expect(product.reason).toBe("Time to restock");
  });

  it("refuses an unsigned or altered request before reading anything", async () => {
    const unsigned = await fetch(`${server.origin}/apps/affinity/recommendations?shop=${SHOP}&placement=for_you`);
    expect(unsigned.status).toBe(400);
    const altered = await proxied({ placement: "for_you", logged_in_customer_id: "1" }, (url) =>
      url.searchParams.set("logged_in_customer_id", "2"),
    );
    expect(altered.status).toBe(400);
    const forged = await proxied({ placement: "for_you" }, (url) => url.searchParams.set("signature", "0".repeat(64)));
    expect(forged.status).toBe(400);
  });

  it("falls back to trending for a guest, and names each bad parameter", async () => {
    const guest = await proxied({ placement: "for_you" });
    expect(guest.status).toBe(200);
    expect(guest.body.products.length).toBe(8);
    expect(new Set(guest.body.products.map((product) => product.tier))).toEqual(new Set(["trending"]));
    // Two years of seasonal history: some products lead because they sold in these weeks last year.
    expect(guest.body.products.map((product) => product.reason)).toContain("Popular this time of year");
    for (const product of guest.body.products) expect(product.reason).toMatch(/^(Trending in .+|Trending now|Popular this time of year)$/);
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

  it("recommends, for a product nobody has bought yet, the products its words and type resemble", async () => {
    const model = await db.product.findFirstOrThrow({ where: { shopId, productType: "Tents" }, orderBy: { externalId: "asc" } });
    await db.product.create({
      data: {
        shopId,
        externalId: "9990001",
        handle: "new-arrival",
        title: `${model.title} Deluxe`,
        description: model.description,
        productType: model.productType,
        vendor: model.vendor,
        tags: model.tags,
        imageUrl: model.imageUrl,
        priceMin: model.priceMin,
        priceMax: model.priceMax,
      },
    });
    // As the products/create webhook does: the serving processes learn of the new product.
    await publishInvalidation({ shopId, scope: "products" });
    const { modelVersionId } = await trainShop(db, shopId);
    // The switch reaches this server through the invalidation bus (Redis or in-process).
    let answer = await proxied({ placement: "related", product_id: "9990001", limit: "4" });
    for (let tries = 0; answer.body.modelVersionId !== modelVersionId && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await proxied({ placement: "related", product_id: "9990001", limit: "4" });
    }
    const { status, body } = answer;
    expect(body.modelVersionId).toBe(modelVersionId);
    expect(status).toBe(200);
    expect(body.products).toHaveLength(4);
    const types = new Map(
      (await db.product.findMany({ where: { shopId, productType: model.productType }, select: { externalId: true } })).map((product) => [
        product.externalId,
        true,
      ]),
    );
    // The closest are of its own type; all of them come from its words, none from popularity.
    expect(
      body.products.slice(0, 2).every((product) => types.has(product.externalId)),
      JSON.stringify([model.title, body.products.map((product) => [product.title, product.reason, product.tier])]),
    ).toBe(true);
    for (const product of body.products) expect(product.reason).toBe(`Similar to ${model.title} Deluxe`);
  }, 60_000);

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
    expect((await proxied({ placement: "trending", limit: "5" })).body.products.map((product) => product.externalId)).not.toContain(
      second.externalId,
    );
    await db.merchandisingRule.deleteMany({ where: { shopId } });
    await db.product.update({ where: { id: second.productId }, data: { available: true } });
    await publishInvalidation({ shopId, scope: "rules" });
    await publishInvalidation({ shopId, scope: "products" });
  });

  it("learns each collection's and type's monthly curve from the orders, and the merchant's own curve replaces it", async () => {
    // The demo store's camping goods peak in July and sell least in January.
    const camping = await db.seasonalityCurve.findFirstOrThrow({
      where: { shopId, source: "LEARNED", targetType: "COLLECTION", targetValue: "camping" },
    });
    expect(camping.months[6]).toBeGreaterThan(1.2);
    expect(camping.months[0]).toBeLessThan(0.8);
    const july = new Date("2026-07-15T12:00:00Z");
    const service = await recommendationService(db);
    const inCamping = async () =>
      (await service.recommend({ shopId, placement: "TRENDING", limit: 50, detail: true, now: july })).products.filter((product) =>
        store.products.find((candidate) => candidate.externalId === product.externalId)?.collectionHandles.includes("camping"),
      );
    expect((await inCamping())[0].signals!.seasonality).toBeCloseTo(camping.months[6]);
    await db.seasonalityCurve.create({
      data: { shopId, targetType: "COLLECTION", targetValue: "camping", source: "MERCHANT", months: new Array(12).fill(0.5) },
    });
    await publishInvalidation({ shopId, scope: "rules" });
    expect((await inCamping())[0].signals!.seasonality).toBe(0.5);
    await db.seasonalityCurve.deleteMany({ where: { shopId, source: "MERCHANT" } });
    await publishInvalidation({ shopId, scope: "rules" });
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

describe("the shop's snapshot", () => {
  it("keeps a change announced while an old snapshot reloads: the reload, read before it, does not replace it", async () => {
    // The reload's reads of the shop's settings run at once but answer only when released.
    let hold = false;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let heldRead = () => {};
    const readHeld = new Promise<void>((resolve) => (heldRead = resolve));
    const gated = db.$extends({
      query: {
        shopSettings: {
          findUnique: async ({ args, query }) => {
            const held = hold;
            const result = await query(args);
            if (held) {
              heldRead();
              await released;
            }
            return result;
          },
        },
      },
    }) as unknown as PrismaClient;
    const bus = new InvalidationBus(undefined);
    const cache = await new SnapshotCache(gated, bus).start();
    try {
      const before = (await cache.get(shopId))!.ruleSet.inStockOnly;
      const later = Date.now() + 6 * 60_000;
      vi.spyOn(Date, "now").mockImplementation(() => later);
      hold = true;
      await cache.get(shopId);
      await readHeld;
      hold = false;
      await db.shopSettings.update({ where: { shopId }, data: { inStockOnly: !before } });
      await bus.publish({ shopId, scope: "rules" });
      expect((await cache.get(shopId))!.ruleSet.inStockOnly).toBe(!before);
      release();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await cache.get(shopId))!.ruleSet.inStockOnly).toBe(!before);
      await db.shopSettings.update({ where: { shopId }, data: { inStockOnly: before } });
    } finally {
      vi.restoreAllMocks();
      release();
      cache.stop();
    }
  });

  it("reloads an old snapshot once, however many answers find it old at the same time", async () => {
    let shopReads = 0;
    const counting = db.$extends({
      query: { shop: { findUnique: ({ args, query }) => (shopReads++, query(args)) } },
    }) as unknown as PrismaClient;
    const cache = await new SnapshotCache(counting, new InvalidationBus(undefined)).start();
    try {
      await cache.get(shopId);
      expect(shopReads).toBe(1);
      const later = Date.now() + 6 * 60_000;
      vi.spyOn(Date, "now").mockImplementation(() => later);
      await Promise.all(Array.from({ length: 200 }, () => cache.get(shopId)));
      expect(shopReads).toBe(2);
    } finally {
      vi.restoreAllMocks();
      cache.stop();
    }
  });
});

describe("the headless API", () => {
  const ORIGIN = "https://shop.example.com";
  const get = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${server.origin}/api/v1/recommendations?${query}`, { headers });

  it("creates keys with checked names and origins, answers the typed client, and refuses missing, wrong and revoked keys", async () => {
    expect(await createApiKey(db, shopId, { name: " ", allowedOrigins: ["shop.example.com", "https://shop.example.com/cart"] })).toEqual({
      errors: [
        { field: "name", message: expect.stringContaining("give the key a name") },
        { field: "allowedOrigins.0", message: expect.stringContaining("is not an origin") },
        { field: "allowedOrigins.1", message: expect.stringContaining("is not an origin") },
      ],
    });
    const created = await createApiKey(db, shopId, { name: "Hydrogen", kind: "secret" });
    if (!("key" in created)) throw new Error("no key");
    expect(created.key).toMatch(/^afk_/);
    expect(await db.apiKey.count({ where: { hash: created.key } })).toBe(0);

    const client = createAffinityClient({ baseUrl: server.origin, apiKey: created.key });
    const answer = await client.recommendations({ placement: "bought_together", productId: store.products[0].externalId, limit: 4 });
    expect(answer.products).toHaveLength(4);
    expect(answer.products[0]).toMatchObject({ title: expect.any(String), url: expect.any(String), reason: expect.any(String) });
    const customer = await customerWithOrders();
    expect((await client.recommendations({ customerId: customer.externalId })).products[0].tier).toBe("personal");
    await expect(client.recommendations({ placement: "related" })).rejects.toMatchObject({
      status: 400,
      fieldErrors: [{ field: "product_id" }],
    });
    expect(
      await client.event({ token: answer.token, kind: "impression", productIds: answer.products.map((product) => product.externalId) }),
    ).toEqual({ recorded: 4, duplicates: 0 });
    await expect(client.event({ token: "not.a-token-of-ours", kind: "click", productIds: ["1"] })).rejects.toMatchObject({ status: 403 });

    expect((await get("placement=trending")).status).toBe(401);
    expect((await get("placement=trending", { Authorization: "Bearer afk_not-a-real-key" })).status).toBe(401);
    expect((await get("placement=trending", { "X-Affinity-Key": created.key })).status).toBe(200);
    expect((await listApiKeys(db, shopId)).map((key) => [key.name, key.prefix])).toEqual([["Hydrogen", created.key.slice(0, 12)]]);
    expect(await revokeApiKey(db, shopId, created.id)).toBe(true);
    await expect(client.recommendations()).rejects.toMatchObject({ status: 401 });
  });

  it("allows browsers from the key's origins only, and one shop's key never reads another shop", async () => {
    const created = await createApiKey(db, shopId, { name: "Browser", kind: "publishable", allowedOrigins: [ORIGIN] });
    if (!("key" in created)) throw new Error("no key");
    const auth = { Authorization: `Bearer ${created.key}` };
    const preflight = await fetch(`${server.origin}/api/v1/recommendations`, {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "GET" },
    });
    expect([preflight.status, [...preflight.headers.keys()].join(",")]).toEqual([
      204,
      expect.stringContaining("access-control-allow-headers"),
    ]);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
    const allowed = await get("placement=trending", { ...auth, Origin: ORIGIN });
    expect([allowed.status, allowed.headers.get("access-control-allow-origin")]).toEqual([200, ORIGIN]);
    const foreign = await get("placement=trending", { ...auth, Origin: "https://evil.example" });
    expect([foreign.status, foreign.headers.get("access-control-allow-origin")]).toEqual([403, null]);

    // A second shop with its own catalogue and key.
    const other = (await ensureShop(db, "other-shop.myshopify.com")).id;
    await importStoreSnapshot(db, other, generateDemoStore({ seed: 9, products: 30, customers: 40, orders: 200 }), "DEMO");
    const otherKey = await createApiKey(db, other, { name: "Other" });
    if (!("key" in otherKey)) throw new Error("no key");
    const asked = await get(`placement=trending&shop=${SHOP}`, { Authorization: `Bearer ${otherKey.key}` });
    expect(asked.status).toBe(403);
    expect((await asked.json()).error).toContain("belongs to another shop");
    const own = (await (
      await get("placement=trending&limit=20", { Authorization: `Bearer ${otherKey.key}` })
    ).json()) as RecommendationAnswer;
    const otherProducts = new Set(
      (await db.product.findMany({ where: { shopId: other }, select: { id: true } })).map((product) => product.id),
    );
    expect(own.products.length).toBeGreaterThan(0);
    expect(own.products.every((product) => otherProducts.has(product.productId))).toBe(true);
  });

  it("limits each key's request rate, and publishes an OpenAPI document", async () => {
    const created = await createApiKey(db, shopId, { name: "Busy" });
    if (!("key" in created)) throw new Error("no key");
    const statuses = await Promise.all(
      Array.from({ length: API_REQUESTS_PER_SECOND + 20 }, () =>
        get("placement=trending&limit=1", { Authorization: `Bearer ${created.key}` }),
      ),
    );
    const limited = statuses.filter((response) => response.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((response) => response.status === 200).length).toBeLessThanOrEqual(API_REQUESTS_PER_SECOND);

    const document = await (await fetch(`${server.origin}/api/v1/openapi.json`)).json();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(["/api/v1/recommendations", "/api/v1/events", "/api/v1/shopper-tokens"]);
  });
});

describe("measurement: events, attribution and the holdout's lift", () => {
  async function post(path: string, body: unknown, query: Record<string, string> = {}) {
    const signed = await appProxyUrl(`${server.origin}${path}`, query, PROXY);
    const response = await fetch(signed, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json" },
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }
  const orderFor = (id: number, customerExternalId: string, lines: { productExternalId: string; price: number }[], processedAt: Date) =>
    orderPayload.parse({
      id,
      name: `#${id}`,
      currency: "USD",
      total_price: String(lines.reduce((sum, line) => sum + line.price, 0)),
      test: false,
      created_at: processedAt.toISOString(),
      processed_at: processedAt.toISOString(),
      updated_at: processedAt.toISOString(),
      cancelled_at: null,
      customer: { id: Number(customerExternalId) || customerExternalId },
      line_items: lines.map((line, index) => ({
        id: id * 10 + index,
        product_id: line.productExternalId,
        title: "x",
        quantity: 1,
        price: String(line.price),
      })),
    });

  it("records a block's impressions and clicks with its token, and credits the order that follows within the window", async () => {
    const started = new Date();
    const customer = await customerWithOrders();
    const shopper = { logged_in_customer_id: customer.externalId };
    const answer = (await proxied({ placement: "for_you", ...shopper, limit: "4" })).body;
    const shown = answer.products.map((product) => product.externalId);
    expect(await post("/apps/affinity/events", { token: answer.token, kind: "impression", productIds: shown }, shopper)).toEqual({
      status: 202,
      body: { recorded: 4, duplicates: 0 },
    });
    expect(await post("/apps/affinity/events", { token: answer.token, kind: "click", productIds: [shown[1]] }, shopper)).toEqual({
      status: 202,
      body: { recorded: 1, duplicates: 0 },
    });
    expect(
      (
        await post(
          "/apps/affinity/events",
          { token: `${answer.token.split(".")[0]}.forged-signature-xx`, kind: "click", productIds: [shown[1]] },
          shopper,
        )
      ).status,
    ).toBe(403);
    const bad = await post("/apps/affinity/events", { token: answer.token, kind: "purchase", productIds: [] }, shopper);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(["kind", "productIds"]);

    const clicked = answer.products[1];
    const other = store.products.find((product) => !shown.includes(product.externalId))!;
    await upsertShopifyOrder(
      db,
      shopId,
      orderFor(
        990001,
        customer.externalId,
        [
          { productExternalId: clicked.externalId, price: 30 },
          { productExternalId: other.externalId, price: 12 },
        ],
        new Date(),
      ),
    );
    const order = await db.order.findUniqueOrThrow({
      where: { shopId_externalId: { shopId, externalId: "990001" } },
      include: { attributions: true },
    });
    expect(order.attributions.map((row) => [row.token, row.placement, Number(row.revenue)])).toEqual([[answer.token, "FOR_YOU", 30]]);
    // Ingesting the order again adds nothing; an order beyond the window gets no credit.
    const lines = [
      { productExternalId: clicked.externalId, price: 30 },
      { productExternalId: other.externalId, price: 12 },
    ];
    await upsertShopifyOrder(db, shopId, {
      ...orderFor(990001, customer.externalId, lines, new Date()),
      updated_at: new Date(Date.now() + 1000),
    });
    expect(await db.attribution.count({ where: { shopId } })).toBe(1);
    await upsertShopifyOrder(
      db,
      shopId,
      orderFor(990002, customer.externalId, [{ productExternalId: clicked.externalId, price: 30 }], new Date(Date.now() + 8 * 86_400_000)),
    );
    expect(await db.attribution.count({ where: { shopId } })).toBe(1);

    // The holdout: another shopper sees shop-wide lists, and their order counts against the lift.
    await db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 1 } });
    await publishInvalidation({ shopId, scope: "rules" });
    const held = await db.customer.findFirstOrThrow({ where: { shopId, id: { not: customer.id } }, orderBy: { externalId: "asc" } });
    const heldAnswer = (await proxied({ placement: "for_you", logged_in_customer_id: held.externalId, limit: "4" })).body;
    expect(heldAnswer.holdout).toBe(true);
    await post(
      "/apps/affinity/events",
      { token: heldAnswer.token, kind: "impression", productIds: heldAnswer.products.map((product) => product.externalId) },
      { logged_in_customer_id: held.externalId },
    );
    await upsertShopifyOrder(
      db,
      shopId,
      orderFor(990003, held.externalId, [{ productExternalId: other.externalId, price: 12 }], new Date()),
    );
    await db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0 } });
    await publishInvalidation({ shopId, scope: "rules" });

    const lift = await measureLift(db, shopId, started, new Date(Date.now() + 60_000));
    expect(lift).toMatchObject({
      treatment: { shoppers: 1, orders: 1, revenue: 42 },
      holdout: { shoppers: 1, orders: 1, revenue: 12 },
      impressions: 4,
      clicks: 1,
      clickThrough: 0.25,
      attributedOrders: 1,
      attributedRevenue: 30,
    });
    expect(lift.revenueLift).toBeCloseTo(42 / 12 - 1);
  });
});

describe("the app proxy's Liquid answer, for cards in the shopper's market", () => {
  /** A signed proxied request's raw answer. */
  async function proxiedText(query: Record<string, string>) {
    const response = await fetch(await appProxyUrl(`${server.origin}/apps/affinity/recommendations`, query, PROXY));
    return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
  }

  /** Renders an answer as the storefront harness plays Shopify: in a market, with all_products looking products up by handle. */
  async function render(
    template: string,
    market: Market,
    find: (handle: string) => ReturnType<typeof productObject> | undefined,
    extra: Record<string, unknown> = {},
  ) {
    const drop = new AllProductsDrop(find);
    const globals = {
      cart: { currency: { iso_code: market.currency.iso_code } },
      ...marketGlobals(market, market.language.iso_code),
      all_products: drop,
      ...extra,
    };
    const text = await new StorefrontLiquid().renderText(template, globals);
    return {
      answer: JSON.parse(text) as RecommendationAnswer & {
        currency: string;
        products: { title: string; priceText: string; url: string; externalId: string; reason: string; compareAtText: string | null }[];
      },
      drop,
    };
  }

  const fakeAnswer = (products: Partial<RecommendationAnswer["products"][number]>[]): RecommendationAnswer => ({
    placement: "trending",
    token: "t0k.en",
    holdout: false,
    modelVersionId: null,
    products: products.map((product, index) => ({
      productId: `p${index}`,
      externalId: String(index),
      handle: `product-${index}`,
      title: "x",
      url: "/",
      price: 1,
      compareAtPrice: null,
      image: null,
      imageAlt: null,
      variantId: "1",
      available: true,
      reason: "Trending now",
      tier: "trending",
      ...product,
    })),
  });

  it("is Liquid that renders, in each market, to the JSON answer's products with that market's titles, prices and links", async () => {
    const json = await proxied({ placement: "trending", limit: "6" });
    const liquid = await proxiedText({ placement: "trending", limit: "6", format: "liquid" });
    expect([liquid.status, liquid.type]).toEqual([200, "application/liquid"]);
    expect(liquid.text.startsWith("{% layout none %}")).toBe(true);
    const catalogue = await Catalogue.load(db, shopId);
    for (const market of MARKETS) {
      const offers = new MarketOffers(market, catalogue.products());
      const { answer } = await render(liquid.text, market, (handle) => {
        const offer = offers.offer(handle);
        return offer?.sold ? productObject(catalogue.byHandle(handle)!, market, offer) : undefined;
      });
      expect(answer).toMatchObject({ placement: "trending", holdout: false, currency: market.currency.iso_code });
      expect(verifyToken(SECRET, answer.token)).toMatchObject({ s: shopId, p: "TRENDING", v: json.body.modelVersionId });
      expect(answer.products.length).toBeLessThanOrEqual(6);
      const sold = json.body.products.filter((product) => offers.offer(product.handle!)?.sold);
      // The market's first six of the app's candidates: the JSON answer's, less what the market does not sell, topped up from the next ones.
      expect(answer.products.map((product) => product.externalId).slice(0, sold.length)).toEqual(sold.map((product) => product.externalId));
      for (const product of answer.products) {
        const offer = offers.offer(catalogue.products().find((candidate) => candidate.externalId === product.externalId)!.handle)!;
        const money = new Intl.NumberFormat(market.language.iso_code, { style: "currency", currency: market.currency.iso_code });
        expect(product).toMatchObject({
          title: offer.title,
          priceText: money.format(offer.priceCents / 100),
          url: expect.stringMatching(new RegExp(`^${market.prefix}/products/`)),
        });
      }
    }
  });

  it("keeps hostile titles, handles and reasons inert: valid JSON after rendering, no Liquid of theirs runs", async () => {
    const hostile = `Tent "Deluxe" \\ </script> {{ customer.email }} {% if true %}ran{% endif %} }}`;
    const answer = fakeAnswer([
      { handle: "tent", reason: `Often bought with ${hostile}`, externalId: `1"}],"x":{{ customer.email }}` },
      { handle: `evil"] {{ customer.email }} {% comment %}`, reason: "Trending now" },
      { handle: "mug", reason: "Trending now" },
    ]);
    const template = liquidAnswer(answer, 8);
    const products: Record<string, ReturnType<typeof productObject>> = {
      tent: { ...productObject(storeProduct("tent", hostile), PRIMARY_MARKET, offerOf(hostile, 1995)) },
      mug: { ...productObject(storeProduct("mug", "Mug"), PRIMARY_MARKET, offerOf("Mug", 850)) },
    };
    const { answer: rendered } = await render(template, PRIMARY_MARKET, (handle) => products[handle], {
      customer: { email: "secret@example.com" },
    });
    expect(JSON.stringify(rendered)).not.toContain("secret@example.com");
    expect(rendered.products.map((product) => [product.title, product.reason, product.externalId])).toEqual([
      [hostile, `Often bought with ${hostile}`, `1"}],"x":{{ customer.email }}`],
      ["Mug", "Trending now", "2"],
    ]);
    expect(rendered.products[0].priceText).toBe("$19.95");
    // The unsafe handle is never looked up: it could not be a Liquid string, and names no Shopify product.
    expect(template).not.toContain("evil");
  });

  it("looks up at most 20 handles, prints at most the block's limit, and refuses more than 20", async () => {
    const answer = fakeAnswer(Array.from({ length: 30 }, (_, index) => ({ handle: `product-${index}` })));
    const template = liquidAnswer(answer, 12);
    expect(template.match(/all_products\[/g)).toHaveLength(20);
    const { answer: rendered, drop } = await render(template, PRIMARY_MARKET, (handle) =>
      productObject(storeProduct(handle, handle), PRIMARY_MARKET, offerOf(handle, 1000)),
    );
    expect(rendered.products).toHaveLength(12);
    expect(drop.handlesAsked).toBeLessThanOrEqual(20);
    const tooMany = await proxiedText({ placement: "trending", limit: "21", format: "liquid" });
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.text).errors).toEqual([
      { field: "limit", message: expect.stringContaining("at most 20 with format=liquid") },
    ]);
  });

  it("comes the same through the production fast path (server.ts), JSON staying JSON", async () => {
    const production = await startProductionServer();
    try {
      const ask = async (query: Record<string, string>) => {
        const url = `${production.origin}/apps/affinity/recommendations`;
        const response = await fetch(await appProxyUrl(url, { placement: "trending", limit: "4", ...query }, PROXY));
        return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
      };
      const liquid = await ask({ format: "liquid" });
      expect([liquid.status, liquid.type]).toEqual([200, "application/liquid"]);
      expect(liquid.text).toMatch(/^\{% layout none %\}/);
      expect(liquid.text.match(/all_products\[/g)).toHaveLength(8);
      const json = await ask({});
      expect([json.status, json.type]).toEqual([200, "application/json; charset=utf-8"]);
      expect(JSON.parse(json.text).products).toHaveLength(4);
    } finally {
      await production.close();
    }
  }, 120_000);

  it("is refused unsigned or altered, as the JSON answer is", async () => {
    expect((await fetch(`${server.origin}/apps/affinity/recommendations?shop=${SHOP}&placement=for_you&format=liquid`)).status).toBe(400);
    const signed = await appProxyUrl(`${server.origin}/apps/affinity/recommendations`, { placement: "trending", format: "json" }, PROXY);
    signed.searchParams.set("format", "liquid");
    const altered = await fetch(signed);
    expect(altered.status).toBe(400);
    expect(await altered.text()).toBe("");
  });
});

function storeProduct(handle: string, title: string): StoreProduct {
  return {
    externalId: String(handle.length),
    handle,
    title,
    description: "",
    priceCents: 0,
    compareAtCents: null,
    available: true,
    image: null,
    variantId: "7",
  };
}

function offerOf(title: string, priceCents: number): Offer {
  return { sold: true, title, priceCents, compareAtCents: null, fixedPrice: false };
}
