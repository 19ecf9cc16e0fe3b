import type { PrismaClient } from "@prisma/client";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../app/models/api-keys.server";
import { adapterToken } from "../../app/models/inbound-adapters.server";
import { ensureInboundSecret, signInboundBody } from "../../app/models/inbound.server";
import { ensurePixelKey } from "../../app/models/pixel.server";
import { ensureShop } from "../../app/models/shops.server";
import { importStoreSnapshot } from "../../app/models/store-import.server";
import type { RunningServer } from "../../app/http/web-server.server";
import { generateDemoStore } from "../../demo/generate";
import { startTestApp, type TestApp } from "../helpers/app";
import { appProxyUrl } from "../helpers/shopify-requests";
import { anyJson, anyText, badText, mutated, runs } from "./arbitraries";

/**
 * The storefront, headless, pixel and inbound doors of the running app, with real signatures
 * and keys over a real embedded database: whatever the query or body holds, the answer is the
 * documented one (400 naming the fields, 403, 404, 413), never a 500.
 */
const SECRET = "fuzz-http-secret";
const STORE = "fuzz-http";
const SHOP = `${STORE}.myshopify.com`;
const store = generateDemoStore({ seed: 3, products: 20, customers: 20, orders: 120 });
const product = store.products[0].externalId;
const customer = store.customers[0].externalId;
const KEYS = 6;

let app: TestApp;
let server: RunningServer;
let db: PrismaClient;
let keys: string[] = [];
let inboundSecret: string;
let pixelKey: string;
let token: string;

type Answer = { status: number; body: { error?: string; errors?: { field: string; message: string }[]; token?: string } | null };
const answerOf = async (response: Response): Promise<Answer> => ({
  status: response.status,
  body: await response.json().catch(() => null),
});

/** A storefront request as Shopify's app proxy forwards it: shop, timestamp and signature added. */
async function proxied(path: string, query: Record<string, string>, body?: string): Promise<Answer> {
  const signed = await appProxyUrl(`${server.origin}${path}`, query, { store: STORE, secret: SECRET });
  return answerOf(await fetch(signed, body === undefined ? {} : { method: "POST", body, headers: { "Content-Type": "application/json" } }));
}

/** Requests take turns over several keys, so the per-key rate limit never answers for them. */
let turn = 0;
async function headless(path: string, query: Record<string, string>, body?: string): Promise<Answer> {
  const url = new URL(`${server.origin}${path}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const headers = { Authorization: `Bearer ${keys[turn++ % keys.length]}`, "Content-Type": "application/json" };
  return answerOf(await fetch(url, body === undefined ? { headers } : { method: "POST", body, headers }));
}

const post = async (path: string, body: string, headers: Record<string, string> = {}) =>
  answerOf(await fetch(`${server.origin}${path}`, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } }));

/** Never a 500: one of the statuses the door documents, and a 400 names at least one field or says what is wrong. */
function expectDocumented(answer: Answer, statuses: number[]) {
  expect(statuses, JSON.stringify(answer)).toContain(answer.status);
  if (answer.status === 400) expect(answer.body?.error).toEqual(expect.any(String));
}
const fieldsOf = (answer: Answer) => (answer.body?.errors ?? []).map((error) => error.field);

beforeAll(async () => {
  app = await startTestApp({ name: "fuzz-http", secret: SECRET });
  ({ server, db } = app);
  const shopId = (await ensureShop(db, SHOP)).id;
  await importStoreSnapshot(db, shopId, store, "DEMO");
  for (let index = 0; index < KEYS; index++) {
    const created = await createApiKey(db, shopId, { name: `Fuzz ${index}` });
    if (!("key" in created)) throw new Error("no key");
    keys.push(created.key);
  }
  inboundSecret = await ensureInboundSecret(db, shopId);
  pixelKey = await ensurePixelKey(db, shopId);
  const answer = await proxied("/apps/affinity/recommendations", { placement: "trending" });
  expect(answer.status).toBe(200);
  token = answer.body!.token!;
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe("recommendation queries", () => {
  it("answer a NUL in customer_id, logged_in_customer_id or visitor with a 400 naming the field", async () => {
    expect(fieldsOf(await headless("/api/v1/recommendations", { customer_id: `${customer}\u0000` }))).toEqual(["customer_id"]);
    expect(fieldsOf(await headless("/api/v1/recommendations", { visitor: "\u0000" }))).toEqual(["visitor"]);
    const proxiedCustomer = await proxied("/apps/affinity/recommendations", { logged_in_customer_id: `\u0000${customer}` });
    expect(proxiedCustomer).toMatchObject({
      status: 400,
      body: { error: "the request is not valid", errors: [{ field: "logged_in_customer_id", message: expect.stringContaining("NUL") }] },
    });
    expect(fieldsOf(await proxied("/apps/affinity/recommendations", { visitor: "b-1\u0000" }))).toEqual(["visitor"]);
    expect(fieldsOf(await proxied("/apps/affinity/recommendations", { placement: "related", product_id: `${product}\u0000` }))).toEqual([
      "product_id",
    ]);
  });

  it("take limit in decimal digits only", async () => {
    for (const limit of ["0x10", "1e1", " 8", "+8", "8.0"]) {
      expect(fieldsOf(await headless("/api/v1/recommendations", { limit })), limit).toEqual(["limit"]);
      expect(fieldsOf(await proxied("/apps/affinity/recommendations", { limit })), limit).toEqual(["limit"]);
    }
    expect((await headless("/api/v1/recommendations", { limit: "16" })).status).toBe(200);
  });

  const FIELDS = ["placement", "product_id", "cart", "limit", "visitor"] as const;
  const value = fc.oneof(
    anyText,
    fc.constantFrom(
      "for_you",
      "bought_together",
      "related",
      "cart",
      "buy_again",
      "recently_viewed",
      product,
      `${product},${store.products[1].externalId}`,
      "4",
    ),
  );

  it("never answer 500 through the headless API", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...FIELDS, "customer_id"), fc.oneof(value, fc.constant(customer))), async (query) => {
        expectDocumented(await headless("/api/v1/recommendations", query), [200, 400]);
      }),
      runs(40),
    );
  });

  it("never answer 500 through the app proxy", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...FIELDS, "logged_in_customer_id"), fc.oneof(value, fc.constant(customer))),
        async (query) => {
          expectDocumented(await proxied("/apps/affinity/recommendations", query), [200, 400]);
        },
      ),
      runs(40),
    );
  });
});

describe("event bodies", () => {
  const events = () => [
    { token, kind: "impression", productIds: [product, store.products[1].externalId], visitor: "b-1" },
    { token, kind: "click", productIds: [Number(product) || product] },
  ];
  const bodies = () =>
    fc.oneof(
      mutated(events()).map((body) => JSON.stringify(body) ?? "null"),
      anyJson.map((body) => JSON.stringify(body) ?? ""),
      anyText,
    );

  it("answer a NUL or lone surrogate in the visitor with a 400 naming the field", async () => {
    const body = JSON.stringify({ token, kind: "impression", productIds: [product], visitor: "b\u0000" });
    expect(fieldsOf(await headless("/api/v1/events", {}, body))).toEqual(["visitor"]);
    expect(
      fieldsOf(
        await proxied("/apps/affinity/events", {}, JSON.stringify({ token, kind: "click", productIds: [product], visitor: "b\ud800" })),
      ),
    ).toEqual(["visitor"]);
  });

  it("never answer 500 through the headless API or the app proxy", async () => {
    await fc.assert(
      fc.asyncProperty(bodies(), fc.boolean(), async (body, viaProxy) => {
        const answer = viaProxy ? await proxied("/apps/affinity/events", {}, body) : await headless("/api/v1/events", {}, body);
        expectDocumented(answer, [202, 400, 403, 413]);
      }),
      runs(40),
    );
  });
});

describe("pixel batches", () => {
  // Dated now: a batch dated before the shop installed the app is refused as forged.
  const batch = () => ({
    shop: SHOP,
    key: pixelKey,
    clientId: "client-1",
    consent: { analytics: true },
    events: [
      { id: "sh-1", kind: "view", at: new Date().toISOString(), productId: product },
      { id: "sh-2", kind: "search", at: new Date().toISOString(), query: "lantern" },
      { id: "sh-3", kind: "purchase", at: new Date().toISOString(), orderId: "1", checkoutToken: "c1-5a8f0e" },
    ],
  });

  it("answer a NUL in the client id with a 400 naming the field", async () => {
    expect(fieldsOf(await post("/pixel/events", JSON.stringify({ ...batch(), clientId: "client\u0000" })))).toEqual(["clientId"]);
  });

  it("never answer 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated([batch()]), anyJson), async (body) => {
        expectDocumented(await post("/pixel/events", JSON.stringify(body) ?? ""), [202, 400, 403, 413]);
      }),
      runs(40),
    );
  });
});

describe("inbound events", () => {
  const own = () => ({
    events: [
      { id: "w-1", kind: "wishlist_add", customer_id: customer, product_id: product, occurred_at: "2026-11-20T10:00:00Z" },
      { kind: "review", customer_id: customer, product_id: product, rating: 4, occurred_at: "2026-11-21T10:00:00Z" },
    ],
  });
  const signed = (body: string) =>
    post(`/inbound/${SHOP}/events`, body, { "X-Affinity-Hmac-Sha256": signInboundBody(body, inboundSecret) });

  it("answer a NUL or lone surrogate in an id with a 400 naming the field", async () => {
    const body = own();
    body.events[0].customer_id = `${customer}\u0000`;
    body.events[1].product_id = "\udfff";
    expect(fieldsOf(await signed(JSON.stringify(body))).sort()).toEqual(["events.0.customer_id", "events.1.product_id"]);
  });

  it("never answer 500 in Affinity's own format", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated([own()]), anyJson), async (body) => {
        expectDocumented(await signed(JSON.stringify(body) ?? ""), [202, 400]);
      }),
      runs(40),
    );
  });

  it("answer a shop domain holding a NUL with a 404, never a 500", async () => {
    for (const path of [`/inbound/a%00b.myshopify.com/events`, `/inbound/a%00b.myshopify.com/judgeme?token=x`]) {
      expect((await post(path, JSON.stringify(own()))).status).toBe(404);
    }
  });

  const APPS = {
    judgeme: [
      {
        review: {
          id: 88123,
          rating: 2,
          product_external_id: product,
          reviewer: { external_id: customer, email: "ana@example.com" },
          created_at: "2026-11-22T08:00:00.000Z",
        },
      },
    ],
    swym: [
      {
        Event: "Swym-addToWishlist",
        EventTime: "2026-11-23T07:42:48Z",
        Medium: "email",
        MediumValue: "ana@example.com",
        ListId: "6dgey862",
        ProductId: product,
      },
      {
        EventName: "Swym-removeWishlist",
        EventTime: "2026-11-24T07:42:48Z",
        User: { Medium: "email", MediumValue: "ana@example.com" },
        Product: { ProductId: product },
        List: { Id: "l" },
      },
    ],
  } as const;

  it.each(Object.keys(APPS) as (keyof typeof APPS)[])(
    "never answer 500 from %s, and name a field holding unstorable text",
    async (adapter) => {
      const send = (body: string) => post(`/inbound/${SHOP}/${adapter}?token=${adapterToken(inboundSecret, adapter)}`, body);
      const example = APPS[adapter][0] as Record<string, unknown>;
      const field = adapter === "judgeme" ? "review" : "MediumValue";
      const bad =
        adapter === "judgeme"
          ? { review: { ...(example.review as object), reviewer: { email: "a\u0000@example.com" } } }
          : { ...example, MediumValue: "a\u0000@example.com" };
      expect(fieldsOf(await send(JSON.stringify(bad))).join(" ")).toContain(field);
      await fc.assert(
        fc.asyncProperty(fc.oneof(mutated([...APPS[adapter]]), anyJson, badText), async (body) => {
          expectDocumented(await send(JSON.stringify(body) ?? ""), [202, 400]);
        }),
        runs(40),
      );
    },
  );
});
