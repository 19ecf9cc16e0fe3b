import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../../app/models/api-keys.server";
import { adapterToken } from "../../app/models/inbound-adapters.server";
import { ensureInboundSecret, signInboundBody } from "../../app/models/inbound.server";
import { ensurePixelKey } from "../../app/models/pixel.server";
import { ensureShop } from "../../app/models/shops.server";
import { importStoreSnapshot } from "../../app/models/store-import.server";
import { trainShop } from "../../app/models/training.server";
import { signAppProxyRequest } from "../../app/shopify/app-proxy.server";
import { generateDemoStore } from "../../demo/generate";
import { WEBHOOK_EXAMPLES } from "../fuzz/webhook-payloads";
import { startTestApp, type TestApp } from "../helpers/app";
import {
  processedWebhook,
  sendAsBrowser,
  webhookHeaders,
  withAdminSessionToken,
  withBearerSessionToken,
  type SessionTokenSigner,
} from "../helpers/shopify-requests";

/**
 * Attacks on tenancy through the running app: two installed shops with data, every route in
 * app/routes called without credentials and with another shop's, and every admin action given
 * the other shop's row ids. Each shop's private text carries a marker, so "none of the other
 * shop's data" is a search of the answer for that marker.
 */

const NAME = "attack-cross-shop";
const SECRET = "attack-cross-shop-secret";
const CLIENT_ID = `${NAME}-key`;
const SCOPES = "read_products,read_orders,read_customers";

interface TestShop {
  store: string;
  domain: string;
  mark: string;
  id: string;
  key: string;
  keyPrefix: string;
  revokedKey: string;
  pixelKey: string;
  inboundSecret: string;
}

const alpha = { store: "attack-alpha", domain: "attack-alpha.myshopify.com", mark: "ALPHAOWN" } as TestShop;
const bravo = { store: "attack-bravo", domain: "attack-bravo.myshopify.com", mark: "BRAVOPRIVATE" } as TestShop;

let app: TestApp;
let db: PrismaClient;
let origin: string;

async function seedShop(shop: TestShop, seed: number) {
  shop.id = (await ensureShop(db, shop.domain, { name: `${shop.mark} store` })).id;
  await importStoreSnapshot(db, shop.id, generateDemoStore({ seed, products: 30, customers: 50, orders: 400 }), "DEMO");
  // Everything the shop's merchant and shoppers wrote carries the marker.
  await db.$executeRaw`UPDATE "Product" SET title = ${shop.mark} || ' ' || title, vendor = ${shop.mark} WHERE "shopId" = ${shop.id}`;
  await db.$executeRaw`UPDATE "Customer" SET "firstName" = ${shop.mark}, email = lower(${shop.mark}) || '.' || email WHERE "shopId" = ${shop.id}`;
  await db.$executeRaw`UPDATE "Collection" SET title = ${shop.mark} || ' ' || title WHERE "shopId" = ${shop.id}`;
  await db.shopSettings.update({ where: { shopId: shop.id }, data: { holdoutShare: 0 } });
  await trainShop(db, shop.id);
  const products = await db.product.findMany({ where: { shopId: shop.id }, orderBy: { externalId: "asc" }, take: 2 });
  await db.boughtTogetherPair.upsert({
    where: { shopId_productId_relatedProductId: { shopId: shop.id, productId: products[0].id, relatedProductId: products[1].id } },
    create: {
      shopId: shop.id,
      productId: products[0].id,
      relatedProductId: products[1].id,
      support: 0.1,
      confidence: 0.5,
      lift: 3,
      status: "SUGGESTED",
    },
    update: { status: "SUGGESTED" },
  });
  await db.merchandisingRule.create({ data: { shopId: shop.id, kind: "EXCLUDE", targetType: "TAG", targetValue: `${shop.mark}-rule` } });
  await db.promotion.create({
    data: {
      shopId: shop.id,
      name: `${shop.mark} promotion`,
      targetType: "TAG",
      targetValue: `${shop.mark}-promoted`,
      weight: 2,
      startsAt: new Date(Date.now() - 86_400_000),
      endsAt: new Date(Date.now() + 30 * 86_400_000),
    },
  });
  await db.seasonalityCurve.create({
    data: {
      shopId: shop.id,
      targetType: "TAG",
      targetValue: `${shop.mark}-curve`,
      source: "MERCHANT",
      months: Array.from({ length: 12 }, () => 1.5),
    },
  });
  await db.privacyRequest.create({
    data: { shopDomain: shop.domain, shopId: shop.id, kind: "CUSTOMERS_DATA_REQUEST", customerExternalId: `${shop.mark}-customer` },
  });
  await db.jobRun.create({
    data: { shopId: shop.id, name: "import", status: "SUCCEEDED", progress: 1, message: `${shop.mark} import finished` },
  });
  const key = await createApiKey(db, shop.id, { name: `${shop.mark} key` });
  const revoked = await createApiKey(db, shop.id, { name: `${shop.mark} old key` });
  if (!("key" in key) || !("key" in revoked)) throw new Error("could not create API keys");
  await revokeApiKey(db, shop.id, revoked.id);
  Object.assign(shop, { key: key.key, keyPrefix: key.prefix, revokedKey: revoked.key });
  shop.pixelKey = await ensurePixelKey(db, shop.id);
  shop.inboundSecret = await ensureInboundSecret(db, shop.id);
  await storeSession(shop.domain);
}

/** The offline session Shopify's OAuth would have stored for an installed shop. */
async function storeSession(domain: string) {
  await db.session.create({
    data: {
      id: `offline_${domain}`,
      shop: domain,
      state: "installed",
      isOnline: false,
      scope: SCOPES,
      accessToken: `shpat_${randomUUID()}`,
    },
  });
}

beforeAll(async () => {
  app = await startTestApp({ name: NAME, secret: SECRET });
  db = app.db;
  origin = app.server.origin;
  await seedShop(alpha, 31);
  await seedShop(bravo, 32);
  // alpha also has the store ids of Shopify's documented webhook payloads, which bravo's deliveries name.
  for (const topic of ["products/create", "customers/create", "orders/create"]) {
    const answer = await deliver(
      topic,
      { ...WEBHOOK_EXAMPLES[topic], ...(topic === "products/create" ? { title: `${alpha.mark} documented product` } : {}) },
      { shop: alpha.domain },
    );
    expect((await processedWebhook(db, answer.webhookId)).error).toBeNull();
  }
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

// ------------------------------------------------------------------------------ requests

interface Answer {
  status: number;
  location: string | null;
  body: string;
}

const get = (pathAndQuery: string, headers: Record<string, string> = {}): Promise<Answer> =>
  sendAsBrowser(new Request(origin + pathAndQuery, { headers }));
const post = (pathAndQuery: string, body: string | URLSearchParams, headers: Record<string, string> = {}): Promise<Answer> =>
  sendAsBrowser(new Request(origin + pathAndQuery, { method: "POST", body, headers }));

/** This app's session tokens for `shop`'s store, signed with `secret`. */
const signer = (shop: TestShop, secret = SECRET): SessionTokenSigner => ({ store: shop.store, apiKey: CLIENT_ID, secret });

/** An admin page as Shopify's admin loads it in its iframe: a session token for `shop` in the URL. */
async function adminPage(shop: TestShop, pathAndQuery: string, secret = SECRET): Promise<Answer> {
  return sendAsBrowser(await withAdminSessionToken(new Request(origin + pathAndQuery), signer(shop, secret)));
}

/** An admin form post as App Bridge sends it: the session token in the Authorization header. */
async function adminPost(shop: TestShop, pathAndQuery: string, form: Record<string, string>, secret = SECRET): Promise<Answer> {
  const request = new Request(origin + pathAndQuery, { method: "POST", body: new URLSearchParams(form) });
  return sendAsBrowser(await withBearerSessionToken(request, signer(shop, secret)));
}

/** No text, key or domain of `shop` appears in the answer (its domain may, where the caller named it). */
function expectNoneOf(shop: TestShop, answer: Answer, where: string, options: { callerNamedDomain?: boolean } = {}) {
  for (const secret of [
    shop.mark,
    shop.mark.toLowerCase(),
    ...(options.callerNamedDomain ? [] : [shop.domain]),
    shop.keyPrefix,
    shop.pixelKey,
    shop.inboundSecret,
  ]) {
    expect(answer.body.includes(secret), `${where} shows ${secret}: ${answer.body.slice(0, 300)}`).toBe(false);
  }
}

/** Everything of a shop an attack could read or change, to compare before and after. */
async function fingerprint(shop: TestShop) {
  const shopId = shop.id;
  const [
    row,
    settings,
    products,
    variants,
    customers,
    orders,
    lines,
    interactions,
    keys,
    pairs,
    rules,
    promotions,
    curves,
    privacy,
    sessions,
    events,
  ] = await Promise.all([
    db.shop.findUnique({ where: { id: shopId } }),
    db.shopSettings.findUnique({ where: { shopId } }),
    db.product.findMany({
      where: { shopId },
      orderBy: { id: "asc" },
      select: { id: true, externalId: true, title: true, available: true, deletedAt: true, updatedAt: true },
    }),
    db.variant.findMany({ where: { shopId }, orderBy: { id: "asc" }, select: { id: true, available: true, inventoryQuantity: true } }),
    db.customer.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
    db.order.findMany({
      where: { shopId },
      orderBy: { id: "asc" },
      select: { id: true, cancelledAt: true, totalPrice: true, updatedAt: true },
    }),
    db.orderLine.findMany({ where: { shopId }, orderBy: { id: "asc" }, select: { id: true, refundedQuantity: true } }),
    db.interaction.count({ where: { shopId } }),
    db.apiKey.findMany({ where: { shopId }, orderBy: { id: "asc" }, select: { id: true, revokedAt: true, name: true } }),
    db.boughtTogetherPair.findMany({
      where: { shopId },
      orderBy: { id: "asc" },
      select: { id: true, status: true, productId: true, relatedProductId: true },
    }),
    db.merchandisingRule.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
    db.promotion.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
    db.seasonalityCurve.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
    db.privacyRequest.findMany({ where: { shopDomain: shop.domain }, orderBy: { id: "asc" } }),
    db.session.findMany({ where: { shop: shop.domain }, orderBy: { id: "asc" } }),
    db.recommendationEvent.count({ where: { shopId } }),
  ]);
  return JSON.stringify(
    {
      row,
      settings,
      products,
      variants,
      customers,
      orders,
      lines,
      interactions,
      keys,
      pairs,
      rules,
      promotions,
      curves,
      privacy,
      sessions,
      events,
    },
    (_key, value) => (typeof value === "bigint" ? String(value) : value),
  );
}

/** Runs an attack and checks that neither shop's rows changed. */
async function unchanged<T>(attack: () => Promise<T>, shops: TestShop[] = [alpha, bravo]): Promise<T> {
  const before = await Promise.all(shops.map(fingerprint));
  const result = await attack();
  const after = await Promise.all(shops.map(fingerprint));
  shops.forEach((shop, index) => expect(after[index], `${shop.domain} changed`).toBe(before[index]));
  return result;
}

// ------------------------------------------------------------------------------ webhooks

async function deliver(topic: string, body: object | string, options: { shop: string; secret?: string | null }) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const webhookId = randomUUID();
  const headers = webhookHeaders({
    topic,
    shop: options.shop,
    body: raw,
    secret: options.secret === undefined ? SECRET : options.secret,
    webhookId,
  });
  const answer = await post(`/webhooks/${topic}`, raw, headers);
  return { ...answer, webhookId };
}

/** A topic's documented payload, as another shop would send it: newer, retitled, naming the other shop in its body. */
function foreignPayload(topic: string, claimedShop: string): object {
  const later = JSON.stringify(WEBHOOK_EXAMPLES[topic])
    .replace(/"updated_at":"[^"]+"/g, '"updated_at":"2027-06-01T00:00:00Z"')
    .replace(/"title":"[^"]+"/g, `"title":"${bravo.mark} title"`)
    .replace(/"first_name":"[^"]+"/g, `"first_name":"${bravo.mark}"`)
    .replace(/"shop_domain":"[^"]+"/g, `"shop_domain":"${claimedShop}"`);
  return JSON.parse(later);
}

/** A shop that an attack may uninstall or erase, so the two shops with data stay as they are. */
async function throwawayShop(name: string) {
  const domain = `${name}.myshopify.com`;
  await ensureShop(db, domain);
  await storeSession(domain);
  return domain;
}

const unsignedWebhookIsRefused = (topic: string) => async () => {
  const before = await db.webhookEvent.count();
  await unchanged(async () => {
    // No signature header is a malformed request to Shopify's library (400); a wrong one is 401.
    for (const [secret, status] of [
      [null, 400],
      ["not-the-app-secret", 401],
    ] as const) {
      const answer = await deliver(topic, WEBHOOK_EXAMPLES[topic] ?? { current: ["read_products"] }, { shop: alpha.domain, secret });
      expect(answer.status, `${topic} signed with ${secret}`).toBe(status);
      expectNoneOf(alpha, answer, topic);
    }
  });
  expect(await db.webhookEvent.count()).toBe(before);
};

/** A data webhook signed for bravo, naming the same store ids alpha has: only bravo's rows may change. */
const foreignWebhookStaysInItsShop = (topic: string) => async () => {
  await unchanged(async () => {
    const answer = await deliver(topic, foreignPayload(topic, alpha.domain), { shop: bravo.domain });
    expect(answer.status).toBe(200);
    expect(await processedWebhook(db, answer.webhookId)).toMatchObject({ shopDomain: bravo.domain });
  }, [alpha]);
};

// ------------------------------------------------------------------------------ app proxy

function proxyUrl(pathname: string, query: Record<string, string>, shop: TestShop, options: { secret?: string; secondsAgo?: number } = {}) {
  const url = new URL(origin + pathname);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return signAppProxyRequest(
    url,
    shop.domain,
    "/apps/affinity",
    options.secret ?? SECRET,
    Math.floor(Date.now() / 1000) - (options.secondsAgo ?? 0),
  );
}

/** Unsigned, altered, signed with another secret and signed too long ago: 400 before anything is read. */
async function badlySignedProxyCalls(pathname: string, method: "GET" | "POST", body = "") {
  const query = { placement: "trending", logged_in_customer_id: "1" };
  const unsigned = new URL(origin + pathname);
  unsigned.search = new URLSearchParams({ ...query, shop: alpha.domain, timestamp: String(Math.floor(Date.now() / 1000)) }).toString();
  const altered = proxyUrl(pathname, query, alpha);
  altered.searchParams.set("logged_in_customer_id", "2");
  const variants = {
    unsigned,
    altered,
    "another secret": proxyUrl(pathname, query, alpha, { secret: "not-the-app-secret" }),
    "signed 120 s ago": proxyUrl(pathname, query, alpha, { secondsAgo: 120 }),
    "signed for alpha, shop changed to bravo": (() => {
      const url = proxyUrl(pathname, query, alpha);
      url.searchParams.set("shop", bravo.domain);
      return url;
    })(),
  };
  for (const [label, url] of Object.entries(variants)) {
    const answer =
      method === "GET"
        ? await get(url.pathname + url.search)
        : await post(url.pathname + url.search, body, { "Content-Type": "application/json" });
    expect(answer.status, label).toBe(400);
    expectNoneOf(alpha, answer, label);
    expectNoneOf(bravo, answer, label);
  }
}

async function proxyRecommendations(shop: TestShop, query: Record<string, string>) {
  const url = proxyUrl("/apps/affinity/recommendations", query, shop);
  const answer = await get(url.pathname + url.search);
  return {
    ...answer,
    json: JSON.parse(answer.body || "null") as { token: string; products: { productId: string; externalId: string; title: string }[] },
  };
}

const productIdsOf = async (shop: TestShop) =>
  new Set((await db.product.findMany({ where: { shopId: shop.id }, select: { id: true } })).map((row) => row.id));

// ------------------------------------------------------------------------------ the route table

interface RouteAttacks {
  /** No credentials, or credentials that are not valid. */
  anonymous: () => Promise<void>;
  /** Valid credentials of one shop, aimed at the other shop's data. */
  otherShop: () => Promise<void>;
}

/** An admin page: sign-in required, and signed in as alpha it shows alpha's data and none of bravo's. */
function adminRoute(
  pathname: string,
  foreignQuery: () => Promise<string> = async () => "",
  form?: () => Promise<Record<string, string>>,
): RouteAttacks {
  return {
    anonymous: async () => {
      const page = await get(pathname);
      expect([page.status, page.location]).toEqual([302, "/auth/login"]);
      const data = await get(`${pathname}.data`);
      expect(data.body).toContain("/auth/login");
      const forgedToken = await adminPage(alpha, pathname, "not-the-app-secret");
      expect([forgedToken.status, forgedToken.location?.startsWith("/auth/session-token")]).toEqual([302, true]);
      const forgedBearer = await sendAsBrowser(
        await withBearerSessionToken(new Request(`${origin}${pathname}.data`), signer(alpha, "not-the-app-secret")),
      );
      expect(forgedBearer.status).toBe(401);
      const answers = [page, data, forgedToken, forgedBearer];
      if (form) {
        const unsigned = await unchanged(async () => post(pathname, new URLSearchParams(await form())));
        expect([unsigned.status, unsigned.location]).toEqual([302, "/auth/login"]);
        const forgedPost = await unchanged(async () => adminPost(alpha, pathname, await form(), "not-the-app-secret"));
        expect(forgedPost.status).toBe(401);
        answers.push(unsigned, forgedPost);
      }
      for (const answer of answers) {
        expectNoneOf(alpha, answer, pathname);
        expectNoneOf(bravo, answer, pathname);
      }
    },
    otherShop: async () => {
      const page = await adminPage(alpha, pathname + (await foreignQuery()));
      expect(page.status).toBe(200);
      expect(page.body, "the page shows the signed-in shop's own data").toContain(alpha.mark);
      expectNoneOf(bravo, page, pathname);
      if (form) {
        const answer = await unchanged(async () => adminPost(alpha, pathname, await form()), [bravo]);
        expect(answer.status).toBe(200);
        expectNoneOf(bravo, answer, `${pathname} action`);
      }
    },
  };
}

const bravoIds = async () => {
  const [customer, product, pair, rule, promotion, key] = await Promise.all([
    db.customer.findFirstOrThrow({ where: { shopId: bravo.id, orders: { some: {} } } }),
    db.product.findFirstOrThrow({ where: { shopId: bravo.id }, orderBy: { externalId: "asc" } }),
    db.boughtTogetherPair.findFirstOrThrow({ where: { shopId: bravo.id } }),
    db.merchandisingRule.findFirstOrThrow({ where: { shopId: bravo.id } }),
    db.promotion.findFirstOrThrow({ where: { shopId: bravo.id } }),
    db.apiKey.findFirstOrThrow({ where: { shopId: bravo.id, revokedAt: null } }),
  ]);
  return { customer, product, pair, rule, promotion, key };
};

const webhookRoute = (topic: string): RouteAttacks => ({
  anonymous: unsignedWebhookIsRefused(topic),
  otherShop: foreignWebhookStaysInItsShop(topic),
});

const headless = (pathname: string, method: "GET" | "POST") => {
  const call = (headers: Record<string, string>, query = "placement=trending&limit=20") =>
    method === "GET"
      ? get(`${pathname}?${query}`, headers)
      : post(`${pathname}?${query}`, JSON.stringify({ token: "x".repeat(20), kind: "impression", productIds: ["1"] }), {
          "Content-Type": "application/json",
          ...headers,
        });
  return {
    anonymous: async () => {
      await unchanged(async () => {
        for (const headers of [
          {},
          { Authorization: "Bearer afk_unknownunknownunknownunknownunkn" },
          { Authorization: `Bearer ${alpha.revokedKey}` },
          { "X-Affinity-Key": alpha.revokedKey },
        ] as Record<string, string>[]) {
          const answer = await call(headers);
          expect(answer.status, JSON.stringify(headers)).toBe(401);
          expectNoneOf(alpha, answer, pathname);
          expectNoneOf(bravo, answer, pathname);
        }
      });
    },
    otherShop: async () => {
      await unchanged(async () => {
        for (const headers of [{ Authorization: `Bearer ${alpha.key}` }, { "X-Affinity-Key": alpha.key }] as Record<string, string>[]) {
          const answer = await call(headers, `placement=trending&limit=20&shop=${bravo.domain}`);
          expect(answer.status).toBe(403);
          expectNoneOf(bravo, answer, pathname, { callerNamedDomain: true });
        }
      });
    },
  };
};

const ROUTES: Record<string, RouteAttacks> = {
  "_index.tsx": {
    anonymous: async () => {
      const answer = await get("/");
      expect(answer.status).toBe(200);
      expectNoneOf(alpha, answer, "/");
      expectNoneOf(bravo, answer, "/");
    },
    otherShop: async () => {
      const answer = await get(`/?shop=${bravo.domain}&host=x`);
      expect([answer.status, answer.location?.startsWith("/app?")]).toEqual([302, true]);
      expect(answer.body).toBe("");
    },
  },
  "app.tsx": adminRoute("/app"),
  "app._index.tsx": adminRoute("/app"),
  "app.insights.tsx": adminRoute("/app/insights"),
  "app.placements.tsx": adminRoute("/app/placements"),
  "app.plan.tsx": adminRoute("/app/plan"),
  "app.preview.tsx": adminRoute("/app/preview", async () => {
    const { customer, product } = await bravoIds();
    return `?customer=${customer.id}&product=${product.id}`;
  }),
  "app.pairs.tsx": adminRoute(
    "/app/pairs",
    async () => "?status=SUGGESTED",
    async () => ({ id: (await bravoIds()).pair.id, status: "REJECTED" }),
  ),
  "app.rules.tsx": adminRoute(
    "/app/rules",
    async () => "",
    async () => ({ intent: "delete", id: (await bravoIds()).rule.id }),
  ),
  "app.seasonality.tsx": adminRoute(
    "/app/seasonality",
    async () => `?customer=${(await bravoIds()).customer.id}`,
    async () => ({ intent: "delete-promotion", id: (await bravoIds()).promotion.id }),
  ),
  "app.settings.tsx": adminRoute(
    "/app/settings",
    async () => "",
    async () => ({ intent: "revoke", id: (await bravoIds()).key.id }),
  ),
  "auth.$.tsx": {
    anonymous: async () => {
      const sessions = await db.session.count();
      const callback = await unchanged(() =>
        get(
          `/auth/callback?shop=${alpha.domain}&code=forged&state=forged&timestamp=${Math.floor(Date.now() / 1000)}&hmac=${"0".repeat(64)}`,
        ),
      );
      expect(callback.status).toBeGreaterThanOrEqual(300);
      expect(callback.status).toBeLessThan(500);
      const bounce = await get(`/auth/session-token?shop=${alpha.domain}`);
      for (const answer of [callback, bounce]) {
        expectNoneOf(alpha, answer, "/auth");
        expectNoneOf(bravo, answer, "/auth");
      }
      expect(await db.session.count()).toBe(sessions);
    },
    otherShop: async () => {
      // alpha's session token on bravo's OAuth callback: no session is stored or replaced.
      const request = await withBearerSessionToken(
        new Request(
          `${origin}/auth/callback?shop=${bravo.domain}&code=forged&state=forged&timestamp=${Math.floor(Date.now() / 1000)}&hmac=${"0".repeat(64)}`,
        ),
        signer(alpha),
      );
      // The session token names alpha, so this is alpha signed in: the route answers nothing more.
      const answer = await unchanged(() => sendAsBrowser(request));
      expect([answer.status, answer.body]).toEqual([200, "null"]);
    },
  },
  "auth.login.tsx": {
    anonymous: async () => {
      const form = await get("/auth/login");
      expect(form.status).toBe(200);
      expect(form.body).toContain('name="shop"');
      const malformed = await get("/auth/login?shop=not%20a%20shop");
      expect([malformed.status, malformed.body]).toEqual([200, expect.stringContaining("myshopify.com")]);
      expectNoneOf(alpha, form, "/auth/login");
    },
    otherShop: async () => {
      // Naming a shop only sends the browser to that shop's own Shopify login: nothing is read or stored.
      const sessions = await db.session.count();
      const answer = await unchanged(() => get(`/auth/login?shop=${bravo.domain}`));
      expect(answer.status).toBeLessThan(500);
      expectNoneOf(bravo, answer, "/auth/login", { callerNamedDomain: true });
      expect(await db.session.count()).toBe(sessions);
    },
  },
  "preview.tsx": {
    anonymous: async () => {
      const answer = await get("/preview");
      expect(answer.status).toBe(404);
      expectNoneOf(alpha, answer, "/preview");
    },
    otherShop: async () => {
      const answer = await adminPage(alpha, "/preview");
      expect(answer.status).toBe(404);
      expectNoneOf(bravo, answer, "/preview");
    },
  },
  "preview.recommendations.tsx": {
    anonymous: async () => {
      const answer = await get("/preview/recommendations?placement=trending");
      expect(answer.status).toBe(404);
      expectNoneOf(alpha, answer, "/preview/recommendations");
    },
    otherShop: async () => {
      const { customer, product } = await bravoIds();
      const answer = await adminPage(alpha, `/preview/recommendations?placement=for_you&customer=${customer.id}&product=${product.id}`);
      expect(answer.status).toBe(404);
      expectNoneOf(bravo, answer, "/preview/recommendations");
    },
  },
  "apps.affinity.recommendations.tsx": {
    anonymous: () => badlySignedProxyCalls("/apps/affinity/recommendations", "GET"),
    otherShop: async () => {
      // Signed for bravo, naming alpha's shopper and product: bravo's catalogue only.
      const alphaCustomer = await db.customer.findFirstOrThrow({ where: { shopId: alpha.id, orders: { some: {} } } });
      const alphaProduct = await db.product.findFirstOrThrow({ where: { shopId: alpha.id } });
      const bravoProducts = await productIdsOf(bravo);
      let shown = 0;
      for (const query of [
        { placement: "for_you", logged_in_customer_id: alphaCustomer.externalId, limit: "12" },
        { placement: "for_you", logged_in_customer_id: alphaCustomer.id, limit: "12" },
        { placement: "related", product_id: alphaProduct.id, limit: "12" },
        { placement: "buy_again", logged_in_customer_id: alphaCustomer.id, limit: "12" },
        { placement: "cart", cart: alphaProduct.id, limit: "12" },
      ] as Record<string, string>[]) {
        const answer = await proxyRecommendations(bravo, query);
        expect(answer.status, JSON.stringify(query)).toBeLessThan(500);
        expectNoneOf(alpha, answer, JSON.stringify(query));
        for (const product of answer.json?.products ?? []) expect(bravoProducts.has(product.productId), product.title).toBe(true);
        shown += answer.json?.products?.length ?? 0;
      }
      expect(shown, "bravo's storefront answered no products at all").toBeGreaterThan(0);
    },
  },
  "apps.affinity.events.tsx": {
    anonymous: () =>
      badlySignedProxyCalls(
        "/apps/affinity/events",
        "POST",
        JSON.stringify({ token: "x".repeat(20), kind: "impression", productIds: ["1"] }),
      ),
    otherShop: async () => {
      // An answer token of alpha's, reported through bravo's storefront: refused, nothing recorded.
      const alphaAnswer = await proxyRecommendations(alpha, { placement: "trending", limit: "4" });
      expect(alphaAnswer.status).toBe(200);
      const url = proxyUrl("/apps/affinity/events", {}, bravo);
      const answer = await unchanged(() =>
        post(
          url.pathname + url.search,
          JSON.stringify({
            token: alphaAnswer.json.token,
            kind: "click",
            productIds: alphaAnswer.json.products.map((product) => product.externalId),
          }),
          { "Content-Type": "application/json" },
        ),
      );
      expect(answer.status).toBe(403);
      expectNoneOf(alpha, answer, "events");
    },
  },
  "api.v1.recommendations.tsx": headless("/api/v1/recommendations", "GET"),
  "api.v1.events.tsx": headless("/api/v1/events", "POST"),
  "api.v1.shopper-tokens.tsx": headless("/api/v1/shopper-tokens", "POST"),
  "api.v1.openapi[.]json.tsx": {
    anonymous: async () => {
      const answer = await get("/api/v1/openapi.json");
      expect(answer.status).toBe(200);
      expectNoneOf(alpha, answer, "openapi");
      expectNoneOf(bravo, answer, "openapi");
    },
    otherShop: async () => {
      const answer = await get(`/api/v1/openapi.json?shop=${bravo.domain}`, { Authorization: `Bearer ${alpha.key}` });
      expect(answer.status).toBe(200);
      expectNoneOf(bravo, answer, "openapi");
    },
  },
  "pixel.events.tsx": {
    anonymous: async () => {
      const batch = (key: string) =>
        JSON.stringify({
          shop: alpha.domain,
          key,
          clientId: "attacker",
          consent: { analytics: true },
          events: [{ id: randomUUID(), kind: "view", at: new Date().toISOString(), productId: "1" }],
        });
      await unchanged(async () => {
        for (const key of ["not-the-key", bravo.pixelKey]) {
          const answer = await post("/pixel/events", batch(key), { "Content-Type": "text/plain" });
          expect(answer.status, key).toBe(403);
          expectNoneOf(alpha, answer, "pixel");
        }
      });
    },
    otherShop: async () => {
      // alpha's own key, naming bravo's shop.
      const body = JSON.stringify({
        shop: bravo.domain,
        key: alpha.pixelKey,
        clientId: "attacker",
        consent: { analytics: true },
        events: [{ id: randomUUID(), kind: "search", at: new Date().toISOString(), query: `${alpha.mark} search` }],
      });
      const answer = await unchanged(() => post("/pixel/events", body, { "Content-Type": "text/plain" }));
      expect(answer.status).toBe(403);
      expectNoneOf(bravo, answer, "pixel");
    },
  },
  "inbound.$shop.events.tsx": {
    anonymous: async () => {
      const body = JSON.stringify({
        events: [{ id: randomUUID(), kind: "review", customer_id: "1", product_id: "1", rating: 5, occurred_at: new Date().toISOString() }],
      });
      await unchanged(async () => {
        for (const signature of [null, signInboundBody(body, "not-the-secret")]) {
          const answer = await post(`/inbound/${alpha.domain}/events`, body, {
            "Content-Type": "application/json",
            ...(signature ? { "X-Affinity-Hmac-Sha256": signature } : {}),
          });
          expect(answer.status).toBe(401);
          expectNoneOf(alpha, answer, "inbound");
        }
      });
    },
    otherShop: async () => {
      const body = JSON.stringify({
        events: [{ id: randomUUID(), kind: "review", customer_id: "1", product_id: "1", rating: 5, occurred_at: new Date().toISOString() }],
      });
      const answer = await unchanged(() =>
        post(`/inbound/${bravo.domain}/events`, body, {
          "Content-Type": "application/json",
          "X-Affinity-Hmac-Sha256": signInboundBody(body, alpha.inboundSecret),
        }),
      );
      expect(answer.status).toBe(401);
      expectNoneOf(bravo, answer, "inbound");
    },
  },
  "inbound.$shop.$app.tsx": {
    anonymous: async () => {
      const body = JSON.stringify({ review: { id: 1, rating: 5, product_external_id: "1", reviewer: { external_id: "1" } } });
      await unchanged(async () => {
        for (const token of [
          "",
          "?token=forged",
          `?token=${adapterToken("not-the-secret", "judgeme")}`,
          `?token=${adapterToken(alpha.inboundSecret, "swym")}`,
        ]) {
          const answer = await post(`/inbound/${alpha.domain}/judgeme${token}`, body, { "Content-Type": "application/json" });
          expect(answer.status, token).toBe(401);
          expectNoneOf(alpha, answer, "inbound adapter");
        }
      });
    },
    otherShop: async () => {
      const body = JSON.stringify({ review: { id: 1, rating: 5, product_external_id: "1", reviewer: { external_id: "1" } } });
      const answer = await unchanged(() =>
        post(`/inbound/${bravo.domain}/judgeme?token=${adapterToken(alpha.inboundSecret, "judgeme")}`, body, {
          "Content-Type": "application/json",
        }),
      );
      expect(answer.status).toBe(401);
      expectNoneOf(bravo, answer, "inbound adapter");
    },
  },
  "webhooks.customers.create.tsx": webhookRoute("customers/create"),
  "webhooks.customers.update.tsx": webhookRoute("customers/update"),
  "webhooks.customers.data_request.tsx": webhookRoute("customers/data_request"),
  "webhooks.customers.redact.tsx": webhookRoute("customers/redact"),
  "webhooks.inventory_levels.update.tsx": webhookRoute("inventory_levels/update"),
  "webhooks.orders.cancelled.tsx": webhookRoute("orders/cancelled"),
  "webhooks.orders.create.tsx": webhookRoute("orders/create"),
  "webhooks.orders.updated.tsx": webhookRoute("orders/updated"),
  "webhooks.products.create.tsx": webhookRoute("products/create"),
  "webhooks.products.delete.tsx": webhookRoute("products/delete"),
  "webhooks.products.update.tsx": webhookRoute("products/update"),
  "webhooks.refunds.create.tsx": webhookRoute("refunds/create"),
  "webhooks.shop.redact.tsx": {
    anonymous: unsignedWebhookIsRefused("shop/redact"),
    otherShop: async () => {
      // Erasing a third shop, with alpha named in the body: alpha and bravo stay whole.
      const doomed = await throwawayShop("attack-redacted");
      await unchanged(async () => {
        const answer = await deliver("shop/redact", { shop_domain: alpha.domain, shop_id: 1 }, { shop: doomed });
        expect(answer.status).toBe(200);
        // Carrying it out deletes the shop's stored deliveries too, this one included.
        await expect.poll(() => db.shop.findUnique({ where: { domain: doomed } }), { timeout: 10_000 }).toBeNull();
      });
    },
  },
  "webhooks.app.uninstalled.tsx": {
    anonymous: unsignedWebhookIsRefused("app/uninstalled"),
    otherShop: async () => {
      const doomed = await throwawayShop("attack-uninstalled");
      await unchanged(async () => {
        const answer = await deliver("app/uninstalled", { id: 1, domain: alpha.domain, myshopify_domain: alpha.domain }, { shop: doomed });
        expect(answer.status).toBe(200);
      });
      expect((await db.shop.findUniqueOrThrow({ where: { domain: doomed } })).uninstalledAt).not.toBeNull();
      expect(await db.session.count({ where: { shop: doomed } })).toBe(0);
    },
  },
  "webhooks.app.scopes_update.tsx": {
    anonymous: unsignedWebhookIsRefused("app/scopes_update"),
    otherShop: async () => {
      const other = await throwawayShop("attack-rescoped");
      await unchanged(async () => {
        const answer = await deliver(
          "app/scopes_update",
          { id: 1, previous: SCOPES.split(","), current: ["read_products", "write_products"] },
          { shop: other },
        );
        expect(answer.status).toBe(200);
      });
      expect((await db.session.findUniqueOrThrow({ where: { id: `offline_${other}` } })).scope).toBe("read_products,write_products");
    },
  },
};

const ROUTE_FILES = fs
  .readdirSync(path.resolve(import.meta.dirname, "../../app/routes"))
  .filter((file) => /\.(tsx?|jsx?)$/.test(file))
  .sort();

describe("the route table", () => {
  it("has a row for every file in app/routes, and no row for a route that is gone", () => {
    expect(
      ROUTE_FILES.filter((file) => !(file in ROUTES)),
      "routes with no attack row",
    ).toEqual([]);
    expect(
      Object.keys(ROUTES).filter((file) => !ROUTE_FILES.includes(file)),
      "rows with no route",
    ).toEqual([]);
  });

  for (const file of Object.keys(ROUTES)) {
    describe(file, () => {
      it("gives a caller without valid credentials nothing", () => ROUTES[file].anonymous());
      it("gives a caller with another shop's credentials none of that shop's data", () => ROUTES[file].otherShop());
    });
  }
});

describe("admin actions as alpha, given bravo's ids", () => {
  const alphaIds = async () => {
    const products = await db.product.findMany({ where: { shopId: alpha.id, deletedAt: null }, orderBy: { externalId: "asc" }, take: 2 });
    return { products };
  };

  it("revokes none of bravo's API keys, and bravo's key still answers for bravo", async () => {
    const { key } = await bravoIds();
    for (const id of [key.id, ` ${key.id}`, key.id.toUpperCase()])
      await unchanged(() => adminPost(alpha, "/app/settings", { intent: "revoke", id }), [bravo]);
    const answer = await get("/api/v1/recommendations?placement=trending&limit=3", { Authorization: `Bearer ${bravo.key}` });
    expect(answer.status).toBe(200);
    expectNoneOf(alpha, answer, "bravo's key");
  });

  it("saves settings and creates keys for alpha only", async () => {
    const before = await fingerprint(bravo);
    const keys = await db.apiKey.count({ where: { shopId: alpha.id } });
    const saved = await adminPost(alpha, "/app/settings", {
      intent: "settings",
      trainingSchedule: "0 4 * * *",
      historyMonths: "7",
      retrainAfterOrders: "77",
      holdoutShare: "0.2",
      attributionDays: "3",
      shopId: bravo.id,
    });
    expect(saved.status).toBe(200);
    const created = await adminPost(alpha, "/app/settings", { intent: "create-key", name: "Made by alpha", origins: "", shopId: bravo.id });
    expect(created.status).toBe(200);
    expect(await fingerprint(bravo)).toBe(before);
    expect(await db.shopSettings.findUniqueOrThrow({ where: { shopId: alpha.id } })).toMatchObject({
      historyMonths: 7,
      retrainAfterOrders: 77,
    });
    expect(await db.apiKey.count({ where: { shopId: alpha.id } })).toBe(keys + 1);
    await db.shopSettings.update({ where: { shopId: alpha.id }, data: { holdoutShare: 0 } });
  });

  it("approves, rejects or resets none of bravo's pairs, and pairs none of bravo's products", async () => {
    const { pair, product } = await bravoIds();
    const bravoProducts = await db.product.findMany({ where: { shopId: bravo.id }, take: 2, orderBy: { externalId: "desc" } });
    const { products } = await alphaIds();
    const pairs = await db.boughtTogetherPair.count({ where: { shopId: alpha.id } });
    await unchanged(async () => {
      for (const status of ["APPROVED", "REJECTED", "SUGGESTED"]) await adminPost(alpha, "/app/pairs", { id: pair.id, status });
      await adminPost(alpha, "/app/pairs", { intent: "manual", productId: bravoProducts[0].id, relatedProductId: bravoProducts[1].id });
      await adminPost(alpha, "/app/pairs", { intent: "manual", productId: products[0].id, relatedProductId: product.id });
    }, [bravo]);
    expect(await db.boughtTogetherPair.count({ where: { shopId: alpha.id } })).toBe(pairs);
    expect(
      await db.boughtTogetherPair.count({
        where: {
          OR: [{ productId: { in: bravoProducts.map((row) => row.id) } }, { relatedProductId: product.id }],
          shopId: { not: bravo.id },
        },
      }),
    ).toBe(0);
  });

  it("deletes none of bravo's rules, and saves rules and filters for alpha only", async () => {
    const { rule } = await bravoIds();
    const rules = await db.merchandisingRule.count({ where: { shopId: alpha.id } });
    await unchanged(async () => {
      await adminPost(alpha, "/app/rules", { intent: "delete", id: rule.id });
      await adminPost(alpha, "/app/rules", {
        intent: "rule",
        kind: "EXCLUDE",
        placement: "ALL",
        targetType: "TAG",
        targetValue: "alpha-only",
        position: "",
        weight: "",
        shopId: bravo.id,
      });
      await adminPost(alpha, "/app/rules", {
        intent: "filters",
        inStockOnly: "on",
        maxPerProductType: "3",
        priceBandMin: "",
        priceBandMax: "",
        shopId: bravo.id,
      });
    }, [bravo]);
    expect(await db.merchandisingRule.count({ where: { shopId: alpha.id } })).toBe(rules + 1);
    expect(await db.shopSettings.findUniqueOrThrow({ where: { shopId: alpha.id } })).toMatchObject({ maxPerProductType: 3 });
  });

  it("deletes or edits none of bravo's promotions and curves, and previews none of bravo's shoppers", async () => {
    const { promotion, customer } = await bravoIds();
    const answers = await unchanged(
      async () => [
        await adminPost(alpha, "/app/seasonality", { intent: "delete-promotion", id: promotion.id, previewCustomer: customer.id }),
        await adminPost(alpha, "/app/seasonality", {
          intent: "promotion",
          id: promotion.id,
          name: "Taken over",
          targetType: "TAG",
          targetValue: "x",
          weight: "9",
          startsAt: "2026-01-01",
          endsAt: "2027-01-01",
          previewCustomer: customer.id,
        }),
        await adminPost(alpha, "/app/seasonality", {
          intent: "reset-curve",
          targetType: "TAG",
          targetValue: `${bravo.mark}-curve`,
          previewCustomer: customer.id,
        }),
      ],
      [bravo],
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expectNoneOf(bravo, answer, "seasonality action");
    }
    await unchanged(
      () =>
        adminPost(alpha, "/app/seasonality", {
          intent: "curve",
          targetType: "TAG",
          targetValue: `${bravo.mark}-curve`,
          ...Object.fromEntries(Array.from({ length: 12 }, (_, month) => [`month${month}`, "3"])),
        }),
      [bravo],
    );
    // The curve saved under bravo's group name is alpha's own.
    expect(await db.seasonalityCurve.count({ where: { shopId: alpha.id, targetValue: `${bravo.mark}-curve` } })).toBe(1);
  });

  it("previews bravo's customer and product as unknown to alpha: alpha's products only", async () => {
    const { customer, product } = await bravoIds();
    const page = await adminPage(alpha, `/app/preview?customer=${customer.externalId}&product=${product.externalId}`);
    expect(page.status).toBe(200);
    expectNoneOf(bravo, page, "preview by store ids");
    expect(page.body).toContain(alpha.mark);
  });
});
