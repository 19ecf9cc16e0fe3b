import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAffinityClient } from "../../client/affinity-client";
import { createApiKey, revokeApiKey } from "../../app/models/api-keys.server";
import { upsertShopifyOrder } from "../../app/models/ingest/shopify.server";
import { orderPayload } from "../../app/models/ingest/shopify-payloads";
import { measureLift } from "../../app/models/measurement.server";
import { ensurePixelKey } from "../../app/models/pixel.server";
import type { RecommendationAnswer } from "../../app/models/recommendations/index.server";
import { signAnswerToken, signShopperToken, shopperHash } from "../../app/models/signed-tokens.server";
import { SHOPPER_EVENTS_PER_MINUTE } from "../../app/models/storefront/rate-limits.server";
import { ensureShop } from "../../app/models/shops.server";
import { importStoreSnapshot } from "../../app/models/store-import.server";
import { trainShop } from "../../app/models/training.server";
import { generateDemoStore } from "../../demo/generate";
import { startTestApp, type TestApp } from "../helpers/app";
import { appProxyUrl } from "../helpers/shopify-requests";

// What an attacker gets who holds what a storefront exposes (a publishable key, the pixel key,
// an answer's token, a guessable customer id) and tries to read a shopper's history, attach a
// browser to a customer, or move the merchant's numbers.

const SECRET = "shopper-data-test-secret";
const STORE = "shopper-data-test";
const SHOP = `${STORE}.myshopify.com`;
const ORIGIN = "https://shop.example.com";
const store = generateDemoStore({ seed: 11, products: 60, customers: 120, orders: 900 });

let app: TestApp;
let db: PrismaClient;
let shopId: string;
let origin: string;
let publishable: string;
let secret: string;
let secretKeyId: string;

type Answer = RecommendationAnswer & { error?: string; errors?: { field: string; message: string }[] };

const api = async (
  path: string,
  init: { key: string; origin?: string; method?: string; body?: unknown; headers?: Record<string, string> },
) => {
  const response = await fetch(`${origin}${path}`, {
    method: init.method ?? "GET",
    headers: {
      Authorization: `Bearer ${init.key}`,
      ...(init.origin ? { Origin: init.origin } : {}),
      ...(init.body ? { "Content-Type": "application/json" } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => null)) as Answer & { token?: string; recorded?: number; duplicates?: number },
  };
};

/** A request as Shopify's app proxy forwards it: shop, timestamp and signature added. */
async function proxied(path: string, query: Record<string, string>, body?: unknown) {
  const signed = await appProxyUrl(`${origin}/apps/affinity/${path}`, query, { store: STORE, secret: SECRET });
  const response = await fetch(
    signed,
    body === undefined ? {} : { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } },
  );
  return {
    status: response.status,
    body: (await response.json().catch(() => null)) as Answer & { recorded?: number; duplicates?: number },
  };
}

const buyers = async (count: number) => {
  const rows = await db.order.groupBy({
    by: ["customerId"],
    where: { shopId, customerId: { not: null } },
    _count: { _all: true },
    orderBy: { _count: { customerId: "desc" } },
    take: count,
  });
  return Promise.all(rows.map((row) => db.customer.findUniqueOrThrow({ where: { id: row.customerId! } })));
};

const orderFor = (id: number, customerExternalId: string, productExternalId: string, extra: Record<string, unknown> = {}) => {
  const now = new Date().toISOString();
  return orderPayload.parse({
    id,
    name: `#${id}`,
    currency: "USD",
    total_price: "25.00",
    test: false,
    created_at: now,
    processed_at: now,
    updated_at: now,
    cancelled_at: null,
    customer: { id: Number(customerExternalId) || customerExternalId },
    line_items: [{ id: id * 10, product_id: productExternalId, title: "x", quantity: 1, price: "25.00" }],
    ...extra,
  });
};

beforeAll(async () => {
  app = await startTestApp({ name: "shopper-data", secret: SECRET });
  db = app.db;
  origin = app.server.origin;
  shopId = (await ensureShop(db, SHOP)).id;
  await importStoreSnapshot(db, shopId, store, "DEMO");
  await db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0 } });
  await trainShop(db, shopId);
  const pk = await createApiKey(db, shopId, { name: "Browser", kind: "publishable", allowedOrigins: [ORIGIN] });
  const sk = await createApiKey(db, shopId, { name: "Server", kind: "secret" });
  if (!("key" in pk) || !("key" in sk)) throw new Error("no keys");
  [publishable, secret, secretKeyId] = [pk.key, sk.key, sk.id];
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

describe("headless keys: publishable keys never read a shopper's data", () => {
  it("refuses customer_id and visitor with a publishable key, from a browser or not, naming the field", async () => {
    const [victim] = await buyers(1);
    for (const placement of ["buy_again", "for_you", "recently_viewed"]) {
      for (const from of [ORIGIN, undefined]) {
        const asked = await api(`/api/v1/recommendations?placement=${placement}&customer_id=${victim.externalId}`, {
          key: publishable,
          origin: from,
        });
        expect(asked.status).toBe(400);
        expect(asked.body.errors).toEqual([{ field: "customer_id", message: expect.stringContaining("shopper_token") }]);
      }
    }
    const byVisitor = await api("/api/v1/recommendations?placement=recently_viewed&visitor=someone-else", {
      key: publishable,
      origin: ORIGIN,
    });
    expect([byVisitor.status, byVisitor.body.errors?.[0].field]).toEqual([400, "visitor"]);
    // Shop-wide and per-product lists need no shopper, and stay open to the browser.
    expect((await api("/api/v1/recommendations?placement=trending", { key: publishable, origin: ORIGIN })).status).toBe(200);
  });

  it("refuses a secret key from a browser, and shows each key's kind", async () => {
    const fromBrowser = await api("/api/v1/recommendations?placement=trending", { key: secret, origin: ORIGIN });
    expect(fromBrowser.status).toBe(403);
    expect(fromBrowser.body.error).toContain("secret key");
    expect((await api("/api/v1/recommendations?placement=trending", { key: secret })).status).toBe(200);
    expect(await createApiKey(db, shopId, { name: "Mixed", kind: "secret", allowedOrigins: [ORIGIN] })).toEqual({
      errors: [{ field: "allowedOrigins", message: expect.stringContaining("publishable") }],
    });
    const kinds = await db.apiKey.findMany({ where: { shopId }, select: { name: true, kind: true, prefix: true } });
    expect(kinds.find((key) => key.name === "Browser")).toMatchObject({ kind: "PUBLISHABLE", prefix: expect.stringMatching(/^afk_pk_/) });
    expect(kinds.find((key) => key.name === "Server")).toMatchObject({ kind: "SECRET", prefix: expect.stringMatching(/^afk_sk_/) });
  });

  it("reads a logged-in shopper's own lists only with the shopper token their storefront's server minted", async () => {
    const [shopper, other] = await buyers(2);
    const server = createAffinityClient({ baseUrl: origin, apiKey: secret });
    const minted = await server.shopperToken({ customerId: shopper.externalId });
    expect(Date.parse(minted.expiresAt) - Date.now()).toBeGreaterThan(50 * 60_000);
    const browser = createAffinityClient({ baseUrl: origin, apiKey: publishable, shopperToken: minted.token });
    const own = await browser.recommendations({ placement: "buy_again" });
    const viaServer = await server.recommendations({ placement: "buy_again", customerId: shopper.externalId });
    expect(own.products.map((product) => product.externalId)).toEqual(viaServer.products.map((product) => product.externalId));
    expect(own.products.length).toBeGreaterThan(0);
    // The token names one shopper: it cannot be pointed at another.
    const redirected = await api(`/api/v1/recommendations?placement=buy_again&customer_id=${other.externalId}`, {
      key: publishable,
      headers: { "X-Affinity-Shopper-Token": minted.token },
    });
    expect(redirected.status).toBe(400);

    // Only a secret key mints, and only from a server.
    expect((await api("/api/v1/shopper-tokens", { key: publishable, method: "POST", body: { customerId: other.externalId } })).status).toBe(
      403,
    );
    expect(
      (await api("/api/v1/shopper-tokens", { key: secret, origin: ORIGIN, method: "POST", body: { customerId: other.externalId } })).status,
    ).toBe(403);
    const unnamed = await api("/api/v1/shopper-tokens", { key: secret, method: "POST", body: {} });
    expect([unnamed.status, unnamed.body.errors?.[0].field]).toEqual([400, "customerId"]);

    // Forged, expired, another shop's, or minted by a revoked key: refused.
    const forged = `${minted.token.split(".")[0]}.${"A".repeat(22)}`;
    const expired = signShopperToken(
      SECRET,
      { shopId, keyId: secretKeyId, shopper: { customerId: shopper.externalId, visitorKey: null } },
      Date.now() / 1000 - 2 * 86_400,
    ).token;
    const foreign = signShopperToken(SECRET, {
      shopId: "another-shop",
      keyId: secretKeyId,
      shopper: { customerId: shopper.externalId, visitorKey: null },
    }).token;
    for (const [token, status] of [
      [forged, 401],
      [expired, 401],
      [foreign, 403],
    ] as const) {
      expect(
        (await api(`/api/v1/recommendations?placement=buy_again&shopper_token=${encodeURIComponent(token)}`, { key: publishable })).status,
      ).toBe(status);
    }
    const revocable = await createApiKey(db, shopId, { name: "Old server", kind: "secret" });
    if (!("key" in revocable)) throw new Error("no key");
    const fromOldKey = await createAffinityClient({ baseUrl: origin, apiKey: revocable.key }).shopperToken({
      customerId: shopper.externalId,
    });
    expect((await api(`/api/v1/recommendations?placement=buy_again&shopper_token=${fromOldKey.token}`, { key: publishable })).status).toBe(
      200,
    );
    await revokeApiKey(db, shopId, revocable.id);
    expect((await api(`/api/v1/recommendations?placement=buy_again&shopper_token=${fromOldKey.token}`, { key: publishable })).status).toBe(
      401,
    );
  });
});

describe("browsers are linked to customers only on Shopify's proof", () => {
  const pixel = async (body: object) => {
    const response = await fetch(`${origin}/pixel/events`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "Content-Type": "text/plain" },
    });
    return { status: response.status, body: await response.json() };
  };

  it("ignores a customer a pixel batch claims, so a browser's views never reach that customer's lists", async () => {
    const [victim] = await buyers(1);
    const key = await ensurePixelKey(db, shopId);
    const product = store.products[3].externalId;
    const at = new Date(Date.now() - 60_000).toISOString();
    const claimed = await pixel({
      shop: SHOP,
      key,
      clientId: "attacker-browser",
      consent: { analytics: true },
      events: [{ id: "attack-1", kind: "view", at, productId: product, customerId: victim.externalId }],
    });
    expect(claimed.status).toBe(202);
    expect(await db.visitor.findUniqueOrThrow({ where: { shopId_visitorKey: { shopId, visitorKey: "attacker-browser" } } })).toMatchObject({
      customerId: null,
    });
    const victimsViews = await proxied("recommendations", { placement: "recently_viewed", logged_in_customer_id: victim.externalId });
    expect(victimsViews.body.products.map((item) => item.externalId)).not.toContain(product);
  });

  it("links a browser through the app proxy's signed customer, or a checkout the signed order names", async () => {
    const [, , customer, buyer] = await buyers(4);
    // A product the customer never bought: recently viewed hides what they own.
    const bought = new Set(
      (await db.interaction.findMany({ where: { shopId, customerId: customer.id }, select: { productId: true } })).map(
        (row) => row.productId,
      ),
    );
    const product = (
      await db.product.findFirstOrThrow({
        where: { shopId, id: { notIn: [...bought].filter((id): id is string => !!id) } },
        orderBy: { externalId: "asc" },
      })
    ).externalId;
    const at = new Date(Date.now() - 60_000).toISOString();
    const key = await ensurePixelKey(db, shopId);
    await pixel({
      shop: SHOP,
      key,
      clientId: "logged-in-browser",
      consent: { analytics: true },
      events: [{ id: "proof-1", kind: "view", at, productId: product }],
    });
    await proxied("recommendations", { placement: "trending", logged_in_customer_id: customer.externalId, visitor: "logged-in-browser" });
    await expect
      .poll(
        async () =>
          (await db.visitor.findUnique({ where: { shopId_visitorKey: { shopId, visitorKey: "logged-in-browser" } } }))?.customerId,
      )
      .toBe(customer.id);
    const own = await proxied("recommendations", { placement: "recently_viewed", logged_in_customer_id: customer.externalId });
    expect(own.body.products.map((item) => item.externalId)).toContain(product);

    await pixel({
      shop: SHOP,
      key,
      clientId: "checkout-browser",
      consent: { analytics: true },
      events: [{ id: "proof-2", kind: "purchase", at, productIds: [product], checkoutToken: "ck-77" }],
    });
    expect(
      (await db.visitor.findUniqueOrThrow({ where: { shopId_visitorKey: { shopId, visitorKey: "checkout-browser" } } })).customerId,
    ).toBeNull();
    await upsertShopifyOrder(db, shopId, orderFor(770001, buyer.externalId, product, { checkout_token: "ck-77" }));
    expect(
      (await db.visitor.findUniqueOrThrow({ where: { shopId_visitorKey: { shopId, visitorKey: "checkout-browser" } } })).customerId,
    ).toBe(buyer.id);
  });

  it("refuses pixel events dated in the future or long before the shop installed the app", async () => {
    const key = await ensurePixelKey(db, shopId);
    const batch = (at: string) => ({
      shop: SHOP,
      key,
      clientId: "clock-browser",
      consent: { analytics: true },
      events: [{ id: `clock-${at}`, kind: "view", at, productId: store.products[1].externalId }],
    });
    const future = await pixel(batch(new Date(Date.now() + 3_600_000).toISOString()));
    expect([future.status, future.body.errors]).toEqual([400, [{ field: "events.0.at", message: expect.stringContaining("future") }]]);
    const ancient = await pixel(batch("2019-01-01T00:00:00Z"));
    expect([ancient.status, ancient.body.errors]).toEqual([400, [{ field: "events.0.at", message: expect.stringContaining("installed") }]]);
    expect(await db.interaction.count({ where: { shopId, visitorKey: "clock-browser" } })).toBe(0);
    expect((await pixel(batch(new Date(Date.now() - 5_000).toISOString()))).status).toBe(202);
  });
});

describe("the merchant's numbers cannot be forged", () => {
  it("counts a replayed report once, refuses another shopper's or an expired token, and limits each shopper's reports", async () => {
    const [shopper, other] = await buyers(2);
    const answer = (await proxied("recommendations", { placement: "for_you", logged_in_customer_id: shopper.externalId, limit: "4" })).body;
    const clicked = answer.products[0].externalId;
    const click = { token: answer.token, kind: "click", productIds: [clicked] };
    const me = { logged_in_customer_id: shopper.externalId };
    expect(await proxied("events", me, click)).toEqual({ status: 202, body: { recorded: 1, duplicates: 0 } });
    const replays = [];
    for (let i = 0; i < 30; i++) replays.push((await proxied("events", me, click)).body);
    expect(replays.every((body) => body.recorded === 0 && body.duplicates === 1)).toBe(true);
    expect(await db.recommendationEvent.count({ where: { shopId, token: answer.token, kind: "CLICK" } })).toBe(1);

    const asOther = await proxied("events", { logged_in_customer_id: other.externalId }, click);
    expect([asOther.status, asOther.body.error]).toEqual([403, expect.stringContaining("another shopper")]);
    const anonymous = await proxied("events", {}, click);
    expect(anonymous.status).toBe(403);
    const old = signAnswerToken(SECRET, {
      s: shopId,
      p: "FOR_YOU",
      v: null,
      h: 0,
      u: shopperHash(shopId, { customerId: shopper.externalId, visitorKey: null }),
      t: Math.floor(Date.now() / 1000) - 3 * 86_400,
    });
    const expired = await proxied("events", me, { ...click, token: old });
    expect([expired.status, expired.body.error]).toEqual([403, expect.stringContaining("expired")]);

    const statuses: number[] = [];
    for (let i = 0; i < SHOPPER_EVENTS_PER_MINUTE; i++)
      statuses.push((await proxied("events", me, { ...click, kind: "impression" })).status);
    expect(statuses).toContain(429);
  });

  it("credits revenue only for a click by the shopper who placed the order, and keeps the lift through replays", async () => {
    const started = new Date(Date.now() - 1_000);
    const [, , , , victim] = await buyers(5);
    // A forged click for the victim through the headless API: a publishable key may not name them.
    const trending = await api("/api/v1/recommendations?placement=trending&limit=4", { key: publishable, origin: ORIGIN });
    const target = trending.body.products[0].externalId;
    const forged = await api(`/api/v1/events?customer_id=${victim.externalId}`, {
      key: publishable,
      origin: ORIGIN,
      method: "POST",
      body: { token: trending.body.token, kind: "click", productIds: [target] },
    });
    expect(forged.status).toBe(400);
    // A click from an anonymous browser nobody linked to the victim, then the victim's order.
    const guest = (await proxied("recommendations", { placement: "trending", visitor: "stranger", limit: "4" })).body;
    expect(
      (await proxied("events", {}, { token: guest.token, kind: "click", productIds: [guest.products[0].externalId], visitor: "stranger" }))
        .status,
    ).toBe(202);
    await upsertShopifyOrder(db, shopId, orderFor(880001, victim.externalId, guest.products[0].externalId));
    await upsertShopifyOrder(db, shopId, orderFor(880002, victim.externalId, target));
    expect(await db.attribution.count({ where: { shopId, order: { externalId: { in: ["880001", "880002"] } } } })).toBe(0);

    // The victim's own click, then their order: credited once, however often the click is replayed.
    const own = (await proxied("recommendations", { placement: "for_you", logged_in_customer_id: victim.externalId, limit: "4" })).body;
    const mine = { logged_in_customer_id: victim.externalId };
    await proxied("events", mine, { token: own.token, kind: "impression", productIds: own.products.map((item) => item.externalId) });
    await proxied("events", mine, { token: own.token, kind: "click", productIds: [own.products[1].externalId] });
    await upsertShopifyOrder(db, shopId, orderFor(880003, victim.externalId, own.products[1].externalId));
    const credited = await db.attribution.findMany({ where: { shopId, order: { externalId: "880003" } } });
    expect(credited.map((row) => [row.token, Number(row.revenue)])).toEqual([[own.token, 25]]);

    const before = await measureLift(db, shopId, started, new Date(Date.now() + 60_000));
    for (let i = 0; i < 20; i++) {
      await proxied("events", mine, { token: own.token, kind: "impression", productIds: own.products.map((item) => item.externalId) });
      await proxied("events", mine, { token: own.token, kind: "click", productIds: [own.products[1].externalId] });
    }
    // Invented browsers seeing blocks do not dilute the shoppers the lift compares.
    for (let i = 0; i < 5; i++) {
      const invented = (await proxied("recommendations", { placement: "trending", visitor: `invented-${i}`, limit: "2" })).body;
      await proxied(
        "events",
        {},
        {
          token: invented.token,
          kind: "impression",
          productIds: invented.products.map((item) => item.externalId),
          visitor: `invented-${i}`,
        },
      );
    }
    const after = await measureLift(db, shopId, started, new Date(Date.now() + 60_000));
    expect(after.treatment).toEqual(before.treatment);
    expect([after.clicks, after.attributedOrders, after.attributedRevenue]).toEqual([
      before.clicks,
      before.attributedOrders,
      before.attributedRevenue,
    ]);
  });
});
