import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureShop } from "../app/models/shops.server";
import { storeWebhooks } from "../app/models/webhooks.server";
import { ingestWebhookJob } from "../app/jobs/definitions/ingest-webhook";
import type { JobContext } from "../app/jobs/definitions/define";
import { startFakeAdmin, type FakeAdmin } from "./fakes/shopify-admin";
import { startTestApp, type TestApp } from "./helpers/app";
import { sendAsBrowser, webhookHeaders, withAdminSessionToken, withBearerSessionToken } from "./helpers/shopify-requests";

/**
 * The home page's Retry and Dismiss for failed webhook deliveries, through the running app as
 * Shopify's admin calls it (session tokens), with two installed shops.
 */
const NAME = "webhook-retry";
const SECRET = "webhook-retry-secret";
const TOKEN = "shpat_webhook_retry";
const alpha = { store: "retry-alpha", domain: "retry-alpha.myshopify.com" };
const bravo = { store: "retry-bravo", domain: "retry-bravo.myshopify.com" };

let app: TestApp;
let db: PrismaClient;
let fake: FakeAdmin;

beforeAll(async () => {
  app = await startTestApp({ name: NAME, secret: SECRET });
  db = app.db;
  fake = await startFakeAdmin({ accessToken: TOKEN, store: { products: [], customers: [], orders: [] }, themes: [] });
  process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
  for (const shop of [alpha, bravo]) {
    await ensureShop(db, shop.domain);
    await db.session.create({
      data: {
        id: `offline_${shop.domain}`,
        shop: shop.domain,
        state: "installed",
        isOnline: false,
        scope: process.env.SCOPES,
        accessToken: TOKEN,
      },
    });
  }
});

afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

/** A form post to the home page as App Bridge sends it (the index route takes ?index). */
async function homeAction(shop: typeof alpha, form: Record<string, string>) {
  const request = new Request(`${app.server.origin}/app?index`, { method: "POST", body: new URLSearchParams(form) });
  return sendAsBrowser(await withBearerSessionToken(request, { store: shop.store, apiKey: `${NAME}-key`, secret: SECRET }));
}

async function homePage(shop: typeof alpha) {
  const request = new Request(`${app.server.origin}/app`);
  return sendAsBrowser(await withAdminSessionToken(request, { store: shop.store, apiKey: `${NAME}-key`, secret: SECRET }));
}

/** A signed delivery through the webhook route (stored, then ingested by the queue). */
async function deliver(shop: string, topic: string, body: object) {
  const raw = JSON.stringify(body);
  const webhookId = randomUUID();
  const response = await fetch(`${app.server.origin}/webhooks/${topic}`, {
    method: "POST",
    body: raw,
    headers: webhookHeaders({ topic, shop, body: raw, secret: SECRET, webhookId }),
  });
  expect(response.status).toBe(200);
  return until(
    () => db.webhookEvent.findUnique({ where: { webhookId } }),
    (event) => !!event?.processedAt,
  );
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what = "the expected state"): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A delivery stored as the webhook route stores it, then ingested once by the job's handler (which records the failure). */
async function failedDelivery(shop: string, topic: string, body: object) {
  const [stored] = await storeWebhooks(db, [
    { webhookId: randomUUID(), shopDomain: shop, topic, apiVersion: "2026-07", rawBody: JSON.stringify(body) },
  ]);
  const context = { db } as unknown as JobContext;
  await ingestWebhookJob.handler({ eventId: stored.id }, context).catch(() => undefined);
  const event = await db.webhookEvent.findUniqueOrThrow({ where: { id: stored.id } });
  expect(event.error).not.toBeNull();
  return event;
}

const refund = (orderId: number) => ({
  id: 7_100 + orderId,
  order_id: orderId,
  created_at: "2026-11-20T10:00:00Z",
  refund_line_items: [{ id: 1, line_item_id: 9_001, quantity: 1, subtotal: 20 }],
});
const order = (id: number) => ({
  id,
  name: `#${id}`,
  currency: "USD",
  total_price: "40.00",
  financial_status: "paid",
  test: false,
  created_at: "2026-11-19T10:00:00Z",
  processed_at: "2026-11-19T10:00:00Z",
  updated_at: "2026-11-19T10:00:00Z",
  cancelled_at: null,
  customer: null,
  line_items: [{ id: 9_001, product_id: 55, variant_id: 56, title: "Mug", quantity: 2, price: "20.00", gift_card: false }],
});

describe("failed webhook deliveries on the home page", () => {
  it("retries a refund that came before its order once the order is stored, and a second retry changes nothing", async () => {
    const failed = await failedDelivery(alpha.domain, "refunds/create", refund(4_001));
    expect(failed.error).toMatch(/order 4001 of refund 11101 is not stored yet/);
    expect((await homePage(alpha)).body).toContain(failed.id);
    await deliver(alpha.domain, "orders/create", order(4_001));

    expect((await homeAction(alpha, { intent: "retry-webhook", id: failed.id })).status).toBe(200);
    const done = await until(
      () => db.webhookEvent.findUniqueOrThrow({ where: { id: failed.id } }),
      (event) => !!event.processedAt && event.error === null,
      "the retried refund",
    );
    expect(await db.refund.count({ where: { externalId: "11101" } })).toBe(1);
    expect((await homePage(alpha)).body).not.toContain(failed.id);

    expect((await homeAction(alpha, { intent: "retry-webhook", id: failed.id })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: failed.id } })).toEqual(done);
    expect(await db.refund.count({ where: { externalId: "11101" } })).toBe(1);
  });

  it("keeps a payload that fails again, with the new error", async () => {
    const [stored] = await storeWebhooks(db, [
      {
        webhookId: randomUUID(),
        shopDomain: alpha.domain,
        topic: "orders/create",
        apiVersion: "2026-07",
        rawBody: JSON.stringify({ id: "not an id" }),
        error: "an error recorded earlier",
      },
    ]);
    expect((await homeAction(alpha, { intent: "retry-webhook", id: stored.id })).status).toBe(200);
    const again = await until(
      () => db.webhookEvent.findUniqueOrThrow({ where: { id: stored.id } }),
      (event) => !!event.processedAt && event.error !== "an error recorded earlier",
      "the second failure",
    );
    expect(again.error).toMatch(/^unexpected orders\/create payload: /);
    expect(again.attempts).toBe(1);
    const page = await homePage(alpha);
    expect(page.body).toContain(stored.id);
    expect(page.body).toContain("The message lacks fields Affinity needs");
    expect((await homeAction(alpha, { intent: "dismiss-webhook", id: stored.id })).status).toBe(200);
    expect(await db.webhookEvent.count({ where: { id: stored.id } })).toBe(0);
  });

  it("answers 404 to another shop's delivery id, and Retry all and the page stay within the shop", async () => {
    const theirs = await failedDelivery(bravo.domain, "refunds/create", refund(4_002));
    const before = await db.webhookEvent.findUniqueOrThrow({ where: { id: theirs.id } });
    for (const intent of ["retry-webhook", "dismiss-webhook"]) {
      const answer = await homeAction(alpha, { intent, id: theirs.id });
      expect(answer.status, intent).toBe(404);
    }
    expect((await homeAction(alpha, { intent: "retry-webhook", id: "no-such-delivery" })).status).toBe(404);
    expect((await homeAction(alpha, { intent: "retry-all-webhooks" })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: theirs.id } })).toEqual(before);
    expect((await homePage(alpha)).body).not.toContain(theirs.id);
    expect((await homePage(bravo)).body).toContain(theirs.id);
  });

  it("answers 400 naming the id's problem to a NUL or over-long delivery id, and changes nothing", async () => {
    const ours = await failedDelivery(alpha.domain, "refunds/create", refund(4_003));
    const theirs = await failedDelivery(bravo.domain, "refunds/create", refund(4_004));
    const everything = () => db.webhookEvent.findMany({ orderBy: { id: "asc" } });
    const before = await everything();
    for (const intent of ["retry-webhook", "dismiss-webhook"]) {
      for (const id of [`${ours.id}\u0000`, `\u0000${theirs.id}`]) {
        const answer = await homeAction(alpha, { intent, id });
        expect(answer.status, intent).toBe(400);
        expect(answer.body, intent).toContain("the field id must not contain the NUL character (U+0000).");
      }
      const long = await homeAction(alpha, { intent, id: ours.id.padEnd(256, "x") });
      expect(long.status, intent).toBe(400);
      expect(long.body, intent).toContain("must be at most 255 characters (found 256)");
      expect((await homeAction(alpha, { intent, id: theirs.id })).status, intent).toBe(404);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await everything()).toEqual(before);
    expect((await homePage(alpha)).body).toContain(ours.id);
    expect((await homePage(bravo)).body).toContain(theirs.id);
  });
});
