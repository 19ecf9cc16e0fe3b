import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { adapterToken } from "../app/models/inbound-adapters.server";
import { ensureInboundSecret, signInboundBody } from "../app/models/inbound.server";
import { ensurePixelKey } from "../app/models/pixel.server";
import { ensureShop } from "../app/models/shops.server";
import { redactCustomer } from "../app/models/privacy.server";
import type { RunningServer } from "../app/http/web-server.server";
import { startTestApp, type TestApp } from "./helpers/app";
import { withStoreIds } from "./helpers/interactions";
import { processedWebhook, webhookHeaders } from "./helpers/shopify-requests";

const SECRET = "webhook-test-secret";
const SHOP = "webhooks-test.myshopify.com";

let server: RunningServer;
let db: PrismaClient;

async function deliver(topic: string, body: string | object, options: { webhookId?: string; secret?: string } = {}) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const webhookId = options.webhookId ?? randomUUID();
  const response = await fetch(`${server.origin}/webhooks/${topic}`, {
    method: "POST",
    body: raw,
    headers: webhookHeaders({ topic, shop: SHOP, body: raw, secret: options.secret ?? SECRET, webhookId }),
  });
  return { status: response.status, webhookId };
}

const processed = (webhookId: string) => processedWebhook(db, webhookId);

const order = (overrides: Record<string, unknown> = {}) => ({
  id: 820982911946154500,
  name: "#1001",
  currency: "USD",
  total_price: "398.00",
  financial_status: "paid",
  test: false,
  created_at: "2026-11-01T10:00:00-05:00",
  processed_at: "2026-11-01T10:00:00-05:00",
  updated_at: "2026-11-01T10:00:00-05:00",
  cancelled_at: null,
  customer: {
    id: 115310627314723950,
    email: "Bob@Example.com ",
    first_name: "Bob",
    last_name: "Norman",
    tags: "vip, wholesale",
    default_address: { country_code: "CA", province_code: "ON", city: "Toronto" },
  },
  line_items: [
    {
      id: 866550311766439000,
      product_id: 632910392,
      variant_id: 808950810,
      title: "IPod Nano - 8GB",
      quantity: 1,
      price: "199.00",
      gift_card: false,
    },
    {
      id: 141249953214522980,
      product_id: 921728736,
      variant_id: 447654529,
      title: "IPod Touch 8GB",
      quantity: 1,
      price: "199.00",
      gift_card: false,
    },
  ],
  ...overrides,
});

const product = (title: string, updatedAt: string) => ({
  id: 632910392,
  title,
  body_html: "<p>It's the <strong>small</strong> iPod</p>",
  vendor: "Apple",
  product_type: "Cult Products",
  handle: "ipod-nano",
  status: "active",
  tags: "Emotive, Flash Memory",
  created_at: "2026-01-01T00:00:00Z",
  updated_at: updatedAt,
  image: { src: "https://cdn.shopify.com/s/files/ipod-nano.png", alt: "iPod Nano" },
  variants: [
    {
      id: 808950810,
      title: "Pink",
      sku: "IPOD2008PINK",
      price: "199.00",
      compare_at_price: null,
      inventory_quantity: 10,
      inventory_item_id: 808950810,
    },
  ],
});

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ name: "webhook-test", secret: SECRET });
  ({ server, db } = app);
});

afterAll(async () => {
  await app?.stop();
});

describe("Shopify webhooks through the running app", () => {
  it("stores a signed order once, answers 200 and ingests it into orders, customers and interactions", async () => {
    const { status, webhookId } = await deliver("orders/create", order());
    expect(status).toBe(200);
    expect(await processed(webhookId)).toMatchObject({ topic: "orders/create", error: null, shopDomain: SHOP });
    const stored = await db.order.findFirstOrThrow({
      where: { externalId: "820982911946154500" },
      include: { lines: true, customer: true },
    });
    expect(stored).toMatchObject({ name: "#1001", processedAt: new Date("2026-11-01T15:00:00Z"), source: "SHOPIFY_WEBHOOK" });
    expect(stored.lines).toHaveLength(2);
    expect(stored.customer).toMatchObject({ email: "bob@example.com", city: "Toronto", tags: ["vip", "wholesale"] });
    expect(await db.interaction.count({ where: { kind: "PURCHASE", orderId: stored.id } })).toBe(2);
  });

  it("refuses a delivery with a bad HMAC with 401 and stores nothing", async () => {
    const before = await db.webhookEvent.count();
    const { status } = await deliver("orders/create", order({ id: 1 }), { secret: "not-the-secret" });
    expect(status).toBe(401);
    expect(await db.webhookEvent.count()).toBe(before);
  });

  it("treats a redelivery with the same webhook id as a no-op", async () => {
    const first = await deliver("orders/create", order({ id: 555, name: "#1555" }));
    await processed(first.webhookId);
    const again = await deliver("orders/create", order({ id: 555, name: "#1555" }), { webhookId: first.webhookId });
    expect(again.status).toBe(200);
    expect(await db.webhookEvent.count({ where: { webhookId: first.webhookId } })).toBe(1);
    expect(await db.order.count({ where: { externalId: "555" } })).toBe(1);
    expect(await db.interaction.count({ where: { dedupeKey: { startsWith: "shopify:order:555:" } } })).toBe(2);
  });

  it("converges on the newest version when updates arrive out of order", async () => {
    const newer = await deliver("products/update", product("iPod Nano (2026)", "2026-11-02T00:00:00Z"));
    await processed(newer.webhookId);
    const older = await deliver("products/update", product("iPod Nano (old)", "2026-10-01T00:00:00Z"));
    await processed(older.webhookId);
    const stored = await db.product.findFirstOrThrow({ where: { externalId: "632910392" }, include: { variants: true } });
    expect(stored).toMatchObject({
      title: "iPod Nano (2026)",
      description: "It's the small iPod",
      tags: ["emotive", "flash memory"],
      available: true,
    });
    expect(stored.variants).toHaveLength(1);
  });

  it("subtracts a cancelled order's purchases", async () => {
    const { webhookId } = await deliver(
      "orders/cancelled",
      order({ cancelled_at: "2026-11-03T09:00:00Z", updated_at: "2026-11-03T09:00:00Z" }),
    );
    await processed(webhookId);
    expect(
      await db.interaction.count({ where: { kind: "REFUND", dedupeKey: { startsWith: "shopify:order:820982911946154500:cancel:" } } }),
    ).toBe(2);
  });

  it("subtracts refunded lines and records the refund", async () => {
    const { webhookId } = await deliver("refunds/create", {
      id: 509562969,
      order_id: 555,
      created_at: "2026-11-04T12:00:00Z",
      refund_line_items: [
        { id: 104689539, line_item_id: 866550311766439000, quantity: 1, subtotal: 199.0, line_item: { product_id: 632910392 } },
      ],
    });
    expect(await processed(webhookId)).toMatchObject({ error: null });
    const refund = await db.refund.findFirstOrThrow({
      where: { externalId: "509562969" },
      include: { order: { include: { lines: true } } },
    });
    expect(Number(refund.amount)).toBe(199);
    expect(refund.order.lines.find((line) => line.externalId === "866550311766439000")).toMatchObject({ refundedQuantity: 1 });
    expect(await db.interaction.count({ where: { kind: "REFUND", dedupeKey: "shopify:refund:509562969:line:104689539" } })).toBe(1);
  });

  it("marks a product unavailable when its stock runs out", async () => {
    const { webhookId } = await deliver("inventory_levels/update", {
      inventory_item_id: 808950810,
      location_id: 905684977,
      available: 0,
      updated_at: "2026-11-05T00:00:00Z",
    });
    await processed(webhookId);
    const stored = await db.product.findFirstOrThrow({ where: { externalId: "632910392" }, include: { variants: true } });
    expect(stored).toMatchObject({ available: false, totalInventory: 0 });
    expect(stored.variants[0]).toMatchObject({ available: false, inventoryQuantity: 0 });
  });

  it("keeps a malformed payload with its error instead of dropping it", async () => {
    const wrongShape = await deliver("orders/create", { id: 9, line_items: "none" });
    expect(wrongShape.status).toBe(200);
    const rejected = await processed(wrongShape.webhookId);
    expect(rejected.error).toMatch(/unexpected orders\/create payload: .*created_at/);
    expect(rejected.rawBody).toBe('{"id":9,"line_items":"none"}');

    const notJson = await deliver("orders/create", "{not json");
    expect(notJson.status).toBe(200);
    const kept = await db.webhookEvent.findUniqueOrThrow({ where: { webhookId: notJson.webhookId } });
    expect(kept).toMatchObject({ rawBody: "{not json", error: expect.stringMatching(/the body is not JSON/) });
  });

  it("keeps a signed body holding a NUL byte, quoted, and still stores the deliveries around it", async () => {
    const withNulByte = '{"id":10,"name":"#1\u0000"}';
    const [withNul, next] = await Promise.all([
      deliver("orders/create", withNulByte),
      deliver("orders/create", order({ id: 820982911946159777 })),
    ]);
    expect([withNul.status, next.status]).toEqual([200, 200]);
    const kept = await db.webhookEvent.findUniqueOrThrow({ where: { webhookId: withNul.webhookId } });
    expect(kept).toMatchObject({ rawBody: JSON.stringify(withNulByte), error: expect.stringContaining("NUL") });
    expect((await processed(next.webhookId)).error).toBeNull();
  });

  it("re-queues deliveries that were stored but never processed", async () => {
    const { sweepUnprocessedWebhooks } = await import("../app/jobs/sweeper");
    const { processJobQueue } = await import("../app/jobs/runtime");
    const event = await db.webhookEvent.create({
      data: {
        webhookId: randomUUID(),
        shopDomain: SHOP,
        topic: "customers/create",
        rawBody: JSON.stringify({ id: 77, email: "late@example.com" }),
        receivedAt: new Date(Date.now() - 3_600_000),
      },
    });
    expect(await sweepUnprocessedWebhooks(db, processJobQueue())).toBeGreaterThanOrEqual(1);
    await processed(event.webhookId);
    expect(await db.customer.findFirst({ where: { externalId: "77" } })).toMatchObject({ email: "late@example.com" });
  });
});

describe("inbound wishlist and review events", () => {
  async function post(body: string, secret: string | null) {
    const response = await fetch(`${server.origin}/inbound/${SHOP}/events`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json", ...(secret ? { "X-Affinity-Hmac-Sha256": signInboundBody(body, secret) } : {}) },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it("stores signed events once, with a low rating as a negative review, not a purchase", async () => {
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const secret = await ensureInboundSecret(db, shop.id);
    const body = JSON.stringify({
      events: [
        {
          id: "w-1",
          kind: "wishlist_add",
          customer_id: "115310627314723950",
          product_id: "632910392",
          occurred_at: "2026-11-20T10:00:00Z",
        },
        {
          id: "r-1",
          kind: "review",
          customer_id: "115310627314723950",
          product_id: "921728736",
          rating: 1,
          occurred_at: "2026-11-21T10:00:00+01:00",
        },
      ],
    });
    expect(await post(body, secret)).toEqual({ status: 202, body: { accepted: 2, duplicates: 0 } });
    expect(await post(body, secret)).toEqual({ status: 202, body: { accepted: 0, duplicates: 2 } });
    const review = await db.interaction.findFirstOrThrow({ where: { dedupeKey: "inbound:review:r-1" } });
    expect(review).toMatchObject({ kind: "REVIEW", rating: 1, source: "INBOUND", occurredAt: new Date("2026-11-21T09:00:00Z") });
  });

  it("refuses an unsigned body and explains invalid events field by field", async () => {
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const secret = await ensureInboundSecret(db, shop.id);
    const body = JSON.stringify({ events: [{ kind: "review", customer_id: "1", product_id: "2", occurred_at: "yesterday" }] });
    expect((await post(body, null)).status).toBe(401);
    expect((await post(body, "wrong")).status).toBe(401);
    const invalid = await post(body, secret);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "events.0.occurred_at" }),
        expect.objectContaining({ field: "events.0.rating", message: "a review needs a rating from 1 to 5" }),
      ]),
    );
  });

  it("takes Judge.me reviews and Swym wishlist events as those apps send them, with the app's token", async () => {
    const shop = await ensureShop(db, SHOP);
    const secret = await ensureInboundSecret(db, shop.id);
    await db.customer.upsert({
      where: { shopId_externalId: { shopId: shop.id, externalId: "7100000001" } },
      create: { shopId: shop.id, externalId: "7100000001", email: "ana@example.com" },
      update: { email: "ana@example.com" },
    });
    const send = async (app: string, body: object, token: string | null = adapterToken(secret, app as "judgeme")) => {
      const response = await fetch(`${server.origin}/inbound/${SHOP}/${app}${token ? `?token=${token}` : ""}`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "Content-Type": "application/json" },
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const review = {
      id: 88123,
      title: "Chipped",
      body: "Arrived chipped",
      rating: 2,
      product_external_id: "632910392",
      reviewer: { id: 55, external_id: "7100000001", email: "ana@example.com", name: "Ana" },
      source: "web",
      curated: "ok",
      published: true,
      hidden: false,
      verified: "buyer",
      created_at: "2026-11-22T08:00:00.000Z",
      updated_at: "2026-11-22T08:00:00.000Z",
      pictures: [],
    };
    expect(await send("judgeme", { review })).toEqual({ status: 202, body: { accepted: 1, duplicates: 0, skipped: [] } });
    expect(await send("judgeme", review)).toEqual({ status: 202, body: { accepted: 0, duplicates: 1, skipped: [] } });
    expect(
      (await withStoreIds(db, [await db.interaction.findFirstOrThrow({ where: { dedupeKey: "inbound:review:judgeme:88123" } })]))[0],
    ).toMatchObject({
      kind: "REVIEW",
      rating: 2,
      customer: { externalId: "7100000001" },
    });
    expect((await send("judgeme", { review: { ...review, id: 88124, product_external_id: null } })).body.skipped).toEqual([
      "a store review, not about a product",
    ]);
    expect(await send("judgeme", { review: { ...review, rating: 9 } })).toMatchObject({
      status: 400,
      body: { errors: [expect.objectContaining({ field: "review.rating" })] },
    });
    expect((await send("judgeme", { review }, "forged")).status).toBe(401);
    expect((await send("judgeme", { review }, adapterToken(secret, "swym"))).status).toBe(401);

    const flat = {
      Event: "Swym-addToWishlist",
      EventTime: "2026-11-23T07:42:48Z",
      Medium: "email",
      MediumValue: "Ana@Example.com",
      ListId: "6dgey862",
      ListName: "Favourites",
      ProductId: 921728736,
      ProductName: "IPod Touch",
      ProductPrice: 199,
      VariantId: 447654529,
    };
    expect(await send("swym", flat, adapterToken(secret, "swym"))).toEqual({
      status: 202,
      body: { accepted: 1, duplicates: 0, skipped: [] },
    });
    const nested = {
      EventName: "Swym-removeWishlist",
      EventTime: "2026-11-24T07:42:48Z",
      User: { UserId: "7shd3456", Medium: "email", MediumValue: "ana@example.com" },
      Product: { ProductId: 921728736, ProductName: "IPod Touch", ProductVariantId: 447654529 },
      List: { Id: "6dgey862", Name: "Favourites" },
    };
    expect(await send("swym", nested, adapterToken(secret, "swym"))).toEqual({
      status: 202,
      body: { accepted: 1, duplicates: 0, skipped: [] },
    });
    const stranger = await send("swym", { ...flat, MediumValue: "nobody@example.com" }, adapterToken(secret, "swym"));
    expect(stranger.body).toMatchObject({ accepted: 0, skipped: [expect.stringContaining("not a customer of the store")] });
    const ana = await db.customer.findUniqueOrThrow({ where: { shopId_externalId: { shopId: shop.id, externalId: "7100000001" } } });
    const wishlist = await db.interaction.findMany({
      where: { shopId: shop.id, source: "INBOUND", customerId: ana.id, kind: { in: ["WISHLIST_ADD", "WISHLIST_REMOVE"] } },
      orderBy: { occurredAt: "asc" },
    });
    expect(wishlist.map((row) => row.kind)).toEqual(["WISHLIST_ADD", "WISHLIST_REMOVE"]);
    expect((await send("wishlisthero", flat)).status).toBe(404);
  });
});

describe("privacy webhooks", () => {
  /** Every table row as text, so that an id anywhere in any column is found. */
  async function occurrences(value: string): Promise<string[]> {
    const tables = await db.$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    const found: string[] = [];
    for (const { table_name } of tables) {
      const rows = await db.$queryRawUnsafe<{ count: bigint }[]>(
        `SELECT count(*) AS count FROM "${table_name}" t WHERE t::text LIKE '%' || $1 || '%'`,
        value,
      );
      if (Number(rows[0].count) > 0) found.push(table_name);
    }
    for (const artifact of await db.modelArtifact.findMany()) {
      if (Buffer.from(artifact.data).toString("utf8").includes(value)) found.push(`ModelArtifact ${artifact.name}`);
    }
    return found;
  }

  it("answers a data request with the customer's stored data", async () => {
    const { webhookId } = await deliver("customers/data_request", {
      shop_id: 954889,
      shop_domain: SHOP,
      orders_requested: [820982911946154500],
      customer: { id: 115310627314723950, email: "bob@example.com" },
      data_request: { id: 9999 },
    });
    await processed(webhookId);
    const request = await db.privacyRequest.findFirstOrThrow({ where: { kind: "CUSTOMERS_DATA_REQUEST" } });
    expect(request.completedAt).not.toBeNull();
    expect(request.result).toMatchObject({
      email: "bob@example.com",
      orders: expect.arrayContaining([expect.objectContaining({ externalId: "820982911946154500" })]),
    });
  });

  it("redacts a customer from every table, list and model artifact", async () => {
    const other = await deliver(
      "orders/create",
      order({
        id: 777,
        name: "#1777",
        customer: { id: 42, email: "ann@example.com" },
        line_items: [
          { id: 7771, product_id: 632910392, variant_id: 808950810, title: "IPod Nano - 8GB", quantity: 1, price: "199.00" },
          { id: 7772, product_id: 999, variant_id: 9991, title: "Earbuds", quantity: 1, price: "29.00" },
        ],
      }),
    );
    await processed(other.webhookId);
    const { trainShop } = await import("../app/models/training.server");
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    await trainShop(db, shop.id);
    const customer = await db.customer.findFirstOrThrow({ where: { externalId: "115310627314723950" } });
    expect(await occurrences(customer.id)).toEqual(
      expect.arrayContaining(["Customer", "Order", "Interaction", "RecommendationList", "ModelArtifact popularity"]),
    );

    const { webhookId } = await deliver("customers/redact", {
      shop_id: 954889,
      shop_domain: SHOP,
      customer: { id: 115310627314723950, email: "bob@example.com", phone: null },
      orders_to_redact: [820982911946154500, 555],
    });
    await processed(webhookId);
    expect(await occurrences(customer.id)).toEqual([]);
    expect(await occurrences("115310627314723950")).toEqual([]);
    expect(await occurrences("bob@example.com")).toEqual([]);
    // The orders stay, anonymous, for the shop's totals.
    expect(await db.order.findFirstOrThrow({ where: { externalId: "820982911946154500" } })).toMatchObject({ customerId: null });
    const record = await db.privacyRequest.findFirstOrThrow({ where: { kind: "CUSTOMERS_REDACT" } });
    expect(record.result).toMatchObject({ customer: true, artifacts: 6 });
  });

  it("deletes everything of the shop on shop/redact and keeps the record of it", async () => {
    const { webhookId } = await deliver("shop/redact", { shop_id: 954889, shop_domain: SHOP });
    for (let i = 0; i < 200 && (await db.shop.count({ where: { domain: SHOP } })); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await db.shop.count({ where: { domain: SHOP } })).toBe(0);
    expect(await db.product.count()).toBe(0);
    expect(await db.webhookEvent.count({ where: { shopDomain: SHOP, webhookId: { not: webhookId } } })).toBe(0);
    expect(await db.privacyRequest.findFirstOrThrow({ where: { kind: "SHOP_REDACT", shopDomain: SHOP } })).toMatchObject({
      completedAt: expect.any(Date),
    });
  });
});

describe("web pixel events", () => {
  type Callback = (event: any) => void;
  const subscriptions = new Map<string, Callback>();
  let onConsent: Callback = () => {};
  const beacons: Promise<Response>[] = [];
  let clientEventSeq = 0;
  // Events happen after the shop installed the app, a minute apart, and never in the future.
  const pixelClockStart = Date.now() - 2 * 60 * 60_000;

  const standardEvent = (name: string, data: object, clientId = "client-1") => ({
    id: `sh-${++clientEventSeq}`,
    clientId,
    name,
    timestamp: new Date(pixelClockStart + clientEventSeq * 60_000).toISOString(),
    data,
    seq: clientEventSeq,
    type: "standard",
  });
  const variant = (productId: string) => ({
    id: "808950810",
    price: { amount: 199, currencyCode: "USD" },
    product: { id: productId, title: "IPod Nano", vendor: "Apple" },
  });
  const emit = async (name: string, event: object) => {
    subscriptions.get(name)!(event);
    await Promise.all(beacons.splice(0));
  };

  async function loadPixel(pixelKey: string) {
    vi.doMock("@shopify/web-pixels-extension", () => ({
      register: (extend: (api: unknown) => void) =>
        extend({
          settings: { endpoint: `${server.origin}/pixel/events`, pixelKey },
          init: {
            data: { shop: { myshopifyDomain: SHOP }, customer: null, cart: null },
            customerPrivacy: {
              analyticsProcessingAllowed: false,
              marketingAllowed: false,
              preferencesProcessingAllowed: false,
              saleOfDataAllowed: false,
            },
          },
          analytics: { subscribe: (name: string, callback: Callback) => subscriptions.set(name, callback) },
          customerPrivacy: { subscribe: (_name: string, callback: Callback) => (onConsent = callback) },
          browser: {
            sendBeacon: (url: string, body: string) => {
              beacons.push(fetch(url, { method: "POST", body, headers: { "Content-Type": "text/plain;charset=UTF-8" } }));
              return Promise.resolve(true);
            },
          },
        }),
    }));
    await import("../extensions/affinity-pixel/src/index");
  }

  it("sends nothing before consent, then views, add-to-carts, searches and wishlist adds, and links the visitor on purchase", async () => {
    const shop = await ensureShop(db, SHOP);
    await loadPixel(await ensurePixelKey(db, shop.id));
    const count = () => db.interaction.count({ where: { shopId: shop.id, source: "PIXEL" } });

    await emit("product_viewed", standardEvent("product_viewed", { productVariant: variant("632910392") }));
    expect(await count()).toBe(0);

    onConsent({
      customerPrivacy: {
        analyticsProcessingAllowed: true,
        marketingAllowed: false,
        preferencesProcessingAllowed: false,
        saleOfDataAllowed: false,
      },
    });
    await emit("product_viewed", standardEvent("product_viewed", { productVariant: variant("632910392") }));
    await emit(
      "product_added_to_cart",
      standardEvent("product_added_to_cart", {
        cartLine: { quantity: 2, merchandise: variant("gid://shopify/Product/921728736"), cost: { totalAmount: { amount: 398 } } },
      }),
    );
    await emit("search_submitted", standardEvent("search_submitted", { searchResult: { query: "  ipod touch ", productVariants: [] } }));
    await emit("affinity:wishlist", {
      ...standardEvent("affinity:wishlist", {}),
      customData: { action: "add", productId: 632910392 },
      type: "custom",
    });
    const stored = await withStoreIds(
      db,
      await db.interaction.findMany({ where: { shopId: shop.id, source: "PIXEL" }, orderBy: { occurredAt: "asc" } }),
    );
    expect(stored.map((row) => [row.kind, row.product?.externalId ?? row.query, row.quantity, row.visitorKey, row.customerId])).toEqual([
      ["VIEW", "632910392", 1, "client-1", null],
      ["ADD_TO_CART", "921728736", 2, "client-1", null],
      ["SEARCH", "ipod touch", 1, "client-1", null],
      ["WISHLIST_ADD", "632910392", 1, "client-1", null],
    ]);

    await emit(
      "checkout_completed",
      standardEvent("checkout_completed", {
        checkout: {
          token: "checkout-1",
          lineItems: [{ quantity: 1, variant: variant("632910392") }],
          order: { id: "820982911946154500", customer: { id: "115310627314723950", isFirstOrder: false } },
        },
      }),
    );
    // The pixel's word is not proof: the browser is the customer's once the signed order names its checkout.
    expect(await db.visitor.findUniqueOrThrow({ where: { shopId_visitorKey: { shopId: shop.id, visitorKey: "client-1" } } })).toMatchObject(
      { customerId: null },
    );
    await processed(
      (
        await deliver(
          "orders/create",
          order({ id: 820982911946159001, name: "#1091", checkout_token: "checkout-1", updated_at: new Date().toISOString() }),
        )
      ).webhookId,
    );
    const customer = await db.customer.findUniqueOrThrow({
      where: { shopId_externalId: { shopId: shop.id, externalId: "115310627314723950" } },
    });
    expect(await db.visitor.findUniqueOrThrow({ where: { shopId_visitorKey: { shopId: shop.id, visitorKey: "client-1" } } })).toMatchObject(
      { customerId: customer.id },
    );
    expect(await db.interaction.count({ where: { shopId: shop.id, source: "PIXEL", customerId: customer.id } })).toBe(4);
    expect(await db.interaction.count({ where: { shopId: shop.id, source: "PIXEL", kind: "PURCHASE" } })).toBe(0);

    // Later events of the known shopper carry the customer; withdrawing consent stops sending.
    await emit("product_viewed", standardEvent("product_viewed", { productVariant: variant("921728736") }));
    expect(await db.interaction.count({ where: { shopId: shop.id, source: "PIXEL", customerId: customer.id } })).toBe(5);
    onConsent({
      customerPrivacy: {
        analyticsProcessingAllowed: false,
        marketingAllowed: false,
        preferencesProcessingAllowed: false,
        saleOfDataAllowed: false,
      },
    });
    await emit("product_viewed", standardEvent("product_viewed", { productVariant: variant("921728736") }));
    expect(await count()).toBe(5);

    // Redacting the customer removes the linked browser and everything it recorded.
    await redactCustomer(db, SHOP, "115310627314723950");
    expect(await db.visitor.count({ where: { visitorKey: "client-1" } })).toBe(0);
    expect(await db.interaction.count({ where: { visitorKey: "client-1" } })).toBe(0);
  });

  it("refuses a wrong key, drops events without consent and explains invalid batches", async () => {
    const shop = await ensureShop(db, SHOP);
    const key = await ensurePixelKey(db, shop.id);
    const post = async (body: object) => {
      const response = await fetch(`${server.origin}/pixel/events`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "Content-Type": "text/plain" },
      });
      return { status: response.status, body: await response.json(), cors: response.headers.get("access-control-allow-origin") };
    };
    const event = { id: "sh-direct-1", kind: "view", at: new Date(Date.now() - 60_000).toISOString(), productId: "632910392" };
    const batch = { shop: SHOP, key, clientId: "client-2", consent: { analytics: true }, events: [event] };
    expect(await post({ ...batch, key: "not-the-key" })).toMatchObject({ status: 403, cors: "*" });
    expect(await post({ ...batch, shop: "other.myshopify.com" })).toMatchObject({ status: 403 });
    expect(await post({ ...batch, consent: { analytics: false } })).toEqual({
      status: 202,
      body: { accepted: 0, duplicates: 0, withoutConsent: 1 },
      cors: "*",
    });
    expect(await db.visitor.count({ where: { visitorKey: "client-2" } })).toBe(0);
    const invalid = await post({ ...batch, events: [{ ...event, kind: "hover", at: "yesterday" }] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error: { field: string }) => error.field)).toEqual(["events.0.kind", "events.0.at"]);
    expect(await post(batch)).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
    expect(await post(batch)).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 1 } });
  });
});
