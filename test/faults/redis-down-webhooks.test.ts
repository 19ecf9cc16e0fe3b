import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownServicesAvailable, startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from "../helpers/own-services";
import { startAppOnServices, startWorkerProcess, type AppOnServices, type WorkerProcess } from "../helpers/processes";
import { webhookHeaders } from "../helpers/shopify-requests";

const SECRET = "faults-webhooks-secret";
const SHOP = "faults-webhooks.myshopify.com";
const BURST = 80;
/** Shopify gives up on a delivery after five seconds without an answer. */
const SHOPIFY_TIMEOUT_MS = 5_000;

const available = ownServicesAvailable();

const order = (id: number) => ({
  id,
  name: `#${id}`,
  currency: "USD",
  total_price: "30.00",
  financial_status: "paid",
  test: false,
  created_at: "2026-11-01T10:00:00Z",
  processed_at: "2026-11-01T10:00:00Z",
  updated_at: "2026-11-01T10:00:00Z",
  cancelled_at: null,
  customer: { id: 7_000 + (id % 7), email: `buyer${id % 7}@example.com`, first_name: "Buyer", last_name: String(id % 7) },
  line_items: [
    {
      id: id * 10 + 1,
      product_id: 500 + (id % 5),
      variant_id: 900 + (id % 5),
      title: `Product ${id % 5}`,
      quantity: 1,
      price: "10.00",
      gift_card: false,
    },
    {
      id: id * 10 + 2,
      product_id: 600 + (id % 3),
      variant_id: 950 + (id % 3),
      title: `Gadget ${id % 3}`,
      quantity: 2,
      price: "10.00",
      gift_card: false,
    },
  ],
});

describe.runIf(available)("a webhook burst while Redis is down", () => {
  let redis: OwnRedis;
  let postgres: OwnPostgres;
  let databaseUrl: string;
  let app: AppOnServices;
  let worker: WorkerProcess | undefined;

  async function deliver(body: object, webhookId = randomUUID(), timeoutMs = SHOPIFY_TIMEOUT_MS) {
    const raw = JSON.stringify(body);
    const started = Date.now();
    const response = await fetch(`${app.server.origin}/webhooks/orders/create`, {
      method: "POST",
      body: raw,
      headers: webhookHeaders({ topic: "orders/create", shop: SHOP, body: raw, secret: SECRET, webhookId }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, webhookId, ms: Date.now() - started };
  }

  async function waitUntilProcessed(count: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const processed = await app.db.webhookEvent.count({ where: { processedAt: { not: null } } });
      if (processed >= count) return processed;
      if (Date.now() > deadline)
        throw new Error(`${processed} of ${count} deliveries processed after ${timeoutMs / 1000} s; worker log:\n${worker?.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startOwnRedis(), startOwnPostgres()]);
    databaseUrl = await postgres.createMigratedDatabase("affinity");
    app = await startAppOnServices({ name: "faults-webhooks", secret: SECRET, databaseUrl, redisUrl: redis.url });
  });

  afterAll(async () => {
    await worker?.kill();
    await app?.stop();
    await Promise.all([redis?.destroy(), postgres?.destroy()]);
  });

  it("acknowledges and stores every delivery; once Redis is back the sweeper queues them and a worker ingests each order once", async () => {
    worker = await startWorkerProcess({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url });
    // Working as usual first: the web process queues on Redis, the worker ingests. (The first
    // request compiles the route.)
    const warm = await deliver(order(1), randomUUID(), 30_000);
    expect(warm.status).toBe(200);
    await waitUntilProcessed(1, 20_000);

    await redis.stop();
    const ids = Array.from({ length: BURST }, (_, index) => 1_000 + index);
    const acknowledged = await Promise.all(ids.map((id) => deliver(order(id))));
    expect(acknowledged.map((delivery) => delivery.status)).toEqual(ids.map(() => 200));
    // Shopify retries a delivery it did not see acknowledged; a retry carries the same webhook id.
    const retried = await Promise.all(acknowledged.slice(0, 10).map((delivery, index) => deliver(order(ids[index]), delivery.webhookId)));
    expect(retried.map((delivery) => delivery.status)).toEqual(retried.map(() => 200));
    expect(Math.max(...acknowledged.map((delivery) => delivery.ms), ...retried.map((delivery) => delivery.ms))).toBeLessThan(
      SHOPIFY_TIMEOUT_MS,
    );

    const db = app.db;
    expect(await db.webhookEvent.count()).toBe(BURST + 1);
    expect(
      await db.webhookEvent.count({ where: { processedAt: null, webhookId: { in: acknowledged.map((delivery) => delivery.webhookId) } } }),
    ).toBe(BURST);
    // Nothing can reach the worker while Redis is down.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await db.order.count()).toBe(1);

    // The worker goes too (it held nothing), so that what Redis receives first waits for the next.
    await worker.kill();
    await redis.start();
    // Imported here: the app's modules open the database DATABASE_URL names when they load.
    const { processJobQueue } = await import("../../app/jobs/runtime");
    const { SWEEP_AFTER_MS, sweepUnprocessedWebhooks } = await import("../../app/jobs/sweeper");
    // As the web process's sweep does once the deliveries are SWEEP_AFTER_MS old: every one of
    // them is queued again, whatever reached Redis on its own once it was back.
    expect(await sweepUnprocessedWebhooks(db, processJobQueue(), Date.now() + SWEEP_AFTER_MS)).toBe(BURST);
    worker = await startWorkerProcess({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url });
    await waitUntilProcessed(BURST + 1, 40_000);

    const orders = await db.order.findMany({ select: { externalId: true, _count: { select: { lines: true } } } });
    expect(orders.map((stored) => stored.externalId).sort()).toEqual(["1", ...ids.map(String)].sort());
    expect(orders.every((stored) => stored._count.lines === 2)).toBe(true);
    expect(await db.orderLine.count()).toBe(2 * (BURST + 1));
    expect(await db.interaction.count({ where: { kind: "PURCHASE" } })).toBe(2 * (BURST + 1));
    expect(await db.customer.count()).toBe(7);
    // Queued twice (the web process's own push reaches Redis once it is back, then the sweep),
    // ingested once: the later job finds the delivery processed.
    expect(await db.webhookEvent.count({ where: { OR: [{ error: { not: null } }, { attempts: { not: 1 } }] } })).toBe(0);
  }, 90_000);
});
