import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackfill, type BackfillCheckpoint } from "../app/models/backfill/backfill.server";
import { handleInstall, handleUninstall } from "../app/models/install.server";
import { ensureShop } from "../app/models/shops.server";
import { adminApiForShop } from "../app/shopify/admin-api.server";
import { backfillJob } from "../app/jobs/definitions/backfill";
import { generateStore } from "../demo/generate";
import { BullMqJobQueue, waitForJobRun } from "../app/jobs/queue";
import { startFakeAdmin, type FakeAdmin, type FakeStore } from "./fakes/shopify-admin";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";
import { POSTGRES_ADMIN_URL, REDIS_URL, serviceAvailable } from "./helpers/services";

const postgresUp = await serviceAvailable("PostgreSQL", POSTGRES_ADMIN_URL);
const redisUp = await serviceAvailable("Redis", REDIS_URL);

const TOKEN = "shpat_fake_offline_token";
const NOW = new Date("2026-11-20T12:00:00Z");
const saved = { ...process.env };

async function installShop(database: TestDatabase, domain: string) {
  const shop = await ensureShop(database.prisma, domain);
  await database.prisma.session.create({
    data: { id: `offline_${domain}`, shop: domain, state: "installed", isOnline: false, accessToken: TOKEN },
  });
  return shop;
}

/** What the store should leave in the tables: orders in the window, and the purchases that count. */
function expected(store: FakeStore, months = 24) {
  const since = new Date(NOW);
  since.setUTCMonth(since.getUTCMonth() - months);
  const orders = store.orders.filter((order) => new Date(String(order.createdAt)) >= since) as any[];
  const purchases = orders
    .filter((order) => !order.test)
    .flatMap((order) => order.lineItems)
    .filter((line: any) => line.product && !line.isGiftCard && line.quantity > 0 && Number(line.originalUnitPriceSet.shopMoney.amount) > 0);
  return { orders, purchases };
}

describe("history backfill against the fake Admin API (embedded database)", () => {
  let database: TestDatabase;
  let fake: FakeAdmin;
  const store = generateStore({ shape: "admin-api", products: 40, customers: 30, orders: 240, end: NOW });

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    fake = await startFakeAdmin({ accessToken: TOKEN, store });
    process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
  });
  afterAll(async () => {
    process.env = { ...saved };
    await fake?.close();
    await database?.destroy();
  });

  it("imports products, customers and the window's orders, cleaned like webhooks, and a rerun adds nothing", async () => {
    const shop = await installShop(database, "backfill.myshopify.com");
    const checkpoints: BackfillCheckpoint[] = [];
    const progress: number[] = [];
    const admin = await adminApiForShop(database.prisma, shop.domain);
    const options = {
      months: 24,
      pollIntervalMs: 10,
      now: NOW,
      checkpoint: async (value: BackfillCheckpoint) => void checkpoints.push(structuredClone(value)),
      progress: async (fraction: number) => void progress.push(fraction),
    };
    const result = await runBackfill(database.prisma, shop.id, admin, options);

    const { orders, purchases } = expected(store);
    expect(result.counts).toEqual({ products: 40, customers: 30, orders: orders.length });
    expect(fake.operations.map((operation) => operation.root)).toEqual(["products", "customers", "orders"]);
    expect(progress.at(-1)).toBe(1);
    expect(checkpoints.some((checkpoint) => checkpoint.stage === "orders" && checkpoint.recordsDone === 100)).toBe(true);

    const db = database.prisma;
    expect(await db.product.count({ where: { shopId: shop.id } })).toBe(40);
    expect(await db.variant.count({ where: { shopId: shop.id } })).toBe(
      store.products.reduce((sum, product: any) => sum + product.variants.length, 0),
    );
    const first = await db.product.findUniqueOrThrow({
      where: { shopId_externalId: { shopId: shop.id, externalId: "7000000000" } },
      include: { collections: { include: { collection: true } } },
    });
    expect(first).toMatchObject({
      handle: "product-0",
      tags: ["handmade"],
      imageUrl: "https://cdn.shopify.com/s/files/product-0.jpg",
      available: true,
    });
    expect(first.collections.map((link) => link.collection.handle)).toEqual(["kitchen"]);
    expect(await db.product.findFirst({ where: { shopId: shop.id, isGiftCard: true } })).toMatchObject({ externalId: "7000000039" });
    expect(await db.customer.count({ where: { shopId: shop.id } })).toBe(30);
    expect(await db.order.count({ where: { shopId: shop.id, source: "SHOPIFY_BACKFILL" } })).toBe(orders.length);
    expect(await db.order.count({ where: { shopId: shop.id, processedAt: { lt: new Date("2024-11-20T12:00:00Z") } } })).toBe(0);

    // Purchases are those of webhooks, under the same keys: no test orders, gift cards or unknown products.
    expect(await db.interaction.count({ where: { shopId: shop.id, kind: "PURCHASE" } })).toBe(purchases.length);
    const sample = orders.find((order) => !order.test)!;
    expect(
      await db.interaction.findFirst({
        where: { dedupeKey: `shopify:order:${sample.id.split("/").pop()}:line:${sample.lineItems[0].id.split("/").pop()}` },
      }),
    ).not.toBeNull();
    // Cancellations and refunds subtract.
    const cancelled = orders.filter((order) => order.cancelledAt && !order.test);
    expect(await db.interaction.count({ where: { shopId: shop.id, kind: "REFUND", dedupeKey: { contains: ":cancel:" } } })).toBe(
      cancelled.flatMap((order) => order.lineItems).filter((line: any) => line.product && !line.isGiftCard).length,
    );
    const refunded = orders.filter((order) => order.refunds.length > 0 && !order.cancelledAt);
    expect(await db.refund.count({ where: { shopId: shop.id } })).toBe(refunded.length);
    const refundLines = await db.orderLine.findMany({ where: { shopId: shop.id, refundedQuantity: { gt: 0 } } });
    expect(refundLines.length).toBe(
      refunded.flatMap((order) => order.lineItems).filter((line: any) => line.currentQuantity < line.quantity).length,
    );

    // A second run stores nothing new.
    const before = await db.interaction.count({ where: { shopId: shop.id } });
    await runBackfill(db, shop.id, admin, { ...options, saved: undefined });
    expect(await db.interaction.count({ where: { shopId: shop.id } })).toBe(before);
    expect(await db.order.count({ where: { shopId: shop.id } })).toBe(orders.length);
  });

  it("activates the web pixel and queues the backfill on install; uninstall cancels the shop's jobs", async () => {
    const db = database.prisma;
    const queued: string[] = [];
    const options = { appUrl: "https://affinity.example", queueBackfill: async (shopId: string) => void queued.push(shopId) };
    const first = await handleInstall(db, { shop: "install.myshopify.com", accessToken: TOKEN }, options);
    const settings = await db.shopSettings.findUniqueOrThrow({ where: { shopId: first.shopId } });
    expect(JSON.parse(fake.webPixel!.settings)).toEqual({ endpoint: "https://affinity.example/pixel/events", pixelKey: settings.pixelKey });
    expect(first).toMatchObject({ webPixelId: "gid://shopify/WebPixel/1", backfillQueued: true });
    expect(queued).toEqual([first.shopId]);

    // Reinstalling updates the same pixel; the backfill already queued is not queued again.
    await db.jobRun.create({ data: { shopId: first.shopId, name: "backfill", status: "QUEUED" } });
    const again = await handleInstall(db, { shop: "install.myshopify.com", accessToken: TOKEN }, options);
    expect(again).toMatchObject({ webPixelId: "gid://shopify/WebPixel/1", backfillQueued: false });
    expect(fake.requests.filter((request) => request.query.includes("webPixelCreate"))).toHaveLength(1);
    expect(fake.requests.filter((request) => request.query.includes("webPixelUpdate"))).toHaveLength(1);

    await db.session.create({
      data: { id: "offline_install.myshopify.com", shop: "install.myshopify.com", state: "x", isOnline: false, accessToken: TOKEN },
    });
    expect(await handleUninstall(db, "install.myshopify.com")).toEqual({ sessions: 1, jobsCancelled: 1 });
    expect(await db.jobRun.findFirstOrThrow({ where: { shopId: first.shopId, name: "backfill" } })).toMatchObject({ status: "CANCELLED" });
    expect(await handleUninstall(db, "install.myshopify.com")).toEqual({ sessions: 0, jobsCancelled: 0 });
  });

  it("explains an Admin API refusal", async () => {
    const shop = await ensureShop(database.prisma, "no-session.myshopify.com");
    await expect(adminApiForShop(database.prisma, shop.domain)).rejects.toThrow(/no offline access token for no-session.myshopify.com/);
    await database.prisma.session.create({
      data: {
        id: "offline_wrong-token.myshopify.com",
        shop: "wrong-token.myshopify.com",
        state: "x",
        isOnline: false,
        accessToken: "shpat_wrong",
      },
    });
    const admin = await adminApiForShop(database.prisma, "wrong-token.myshopify.com");
    await expect(admin.request("{ shop { name } }")).rejects.toThrow(/Admin API request to wrong-token.myshopify.com failed.*401/);
  });
});

describe.runIf(postgresUp && redisUp)("history backfill on BullMQ workers (PostgreSQL, Redis)", () => {
  let database: TestDatabase;
  let fake: FakeAdmin;
  let producer: BullMqJobQueue;
  const workers: ChildProcess[] = [];
  const prefix = `affinity-test-${randomBytes(4).toString("hex")}`;
  // Slow downloads of the orders file so that the worker can be killed in the middle of it.
  const store = generateStore({ shape: "admin-api", products: 30, customers: 20, orders: 400, end: NOW });

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
      env: {
        ...saved,
        DATABASE_URL: (database.target as { url: string }).url,
        REDIS_URL,
        AFFINITY_QUEUE_PREFIX: prefix,
        AFFINITY_JOB_LOCK_MS: "2000",
        AFFINITY_BULK_POLL_MS: "50",
        SHOPIFY_ADMIN_API_ORIGIN: fake.origin,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout!.on("data", (chunk) => (log += chunk));
    child.stderr!.on("data", (chunk) => (log += chunk));
    child.on("exit", (code, signal) => {
      if (code && code !== 0) console.error(`worker exited with ${code}:\n${log}`);
      void signal;
    });
    workers.push(child);
    return child;
  }

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    fake = await startFakeAdmin({ accessToken: TOKEN, store, lineDelayMs: { orders: 8 } });
    producer = new BullMqJobQueue(database.prisma, REDIS_URL, { prefix });
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
    await producer?.close();
    await fake?.close();
    await database?.destroy();
  });

  it("resumes with the same bulk operation after the worker is killed mid-import", async () => {
    const db = database.prisma;
    const shop = await installShop(database, "resume.myshopify.com");
    await db.shopSettings.update({ where: { shopId: shop.id }, data: { historyMonths: 36 } });
    const first = startWorker();
    const run = await producer.enqueue(backfillJob, { shopId: shop.id });

    // Kill the worker once it has stored some, not all, of the orders.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const row = await db.jobRun.findUniqueOrThrow({ where: { id: run.id } });
      const checkpoint = row.checkpoint as unknown as BackfillCheckpoint | null;
      if (checkpoint?.stage === "orders" && checkpoint.recordsDone >= 100) break;
      if (row.status === "SUCCEEDED" || Date.now() > deadline) throw new Error(`the worker was not caught mid-import (${row.status})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const storedBeforeKill = await db.order.count({ where: { shopId: shop.id } });
    expect(storedBeforeKill).toBeLessThan(store.orders.length);

    startWorker();
    const finished = await waitForJobRun(db, run.id, 120_000);
    expect(finished).toMatchObject({ status: "SUCCEEDED", progress: 1 });
    const result = finished.result as { orders: number; resumedRecords: number };
    expect(result.resumedRecords).toBeGreaterThanOrEqual(100);
    // The orders export was asked for once; the second worker read the same operation's file.
    expect(fake.operations.filter((operation) => operation.root === "orders")).toHaveLength(1);

    const { orders, purchases } = expected(store, 36);
    expect(await db.order.count({ where: { shopId: shop.id } })).toBe(orders.length);
    expect(await db.interaction.count({ where: { shopId: shop.id, kind: "PURCHASE" } })).toBe(purchases.length);
    // Backfill queues a training when it is done.
    expect(await db.jobRun.count({ where: { shopId: shop.id, name: "train" } })).toBe(1);
  }, 240_000);
});
