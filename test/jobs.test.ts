import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelShopJobRuns } from "../app/models/job-runs.server";
import { ensureShop } from "../app/models/shops.server";
import { importStoreSnapshot } from "../app/models/store-import.server";
import { generateDemoStore } from "../workers/demo/generate";
import { z } from "zod";
import { defineJob } from "../workers/jobs/define";
import { trainJob } from "../workers/jobs/train";
import { BullMqJobQueue, InProcessJobQueue, waitForJobRun, type JobQueue } from "../workers/queue";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";
import { POSTGRES_ADMIN_URL, REDIS_URL, serviceAvailable } from "./helpers/services";

const postgresUp = await serviceAvailable("PostgreSQL", POSTGRES_ADMIN_URL);
const redisUp = await serviceAvailable("Redis", REDIS_URL);
const smallStore = generateDemoStore({ seed: 3, products: 60, customers: 120, orders: 900 });

async function seedShop(database: TestDatabase, domain: string) {
  const shop = await ensureShop(database.prisma, domain);
  await importStoreSnapshot(database.prisma, shop.id, smallStore, "DEMO");
  return shop;
}

async function expectTrained(database: TestDatabase, queue: JobQueue, shopId: string) {
  const run = await queue.enqueue(trainJob, { shopId });
  expect(run.status).toBe("QUEUED");
  const finished = await waitForJobRun(database.prisma, run.id, 120_000);
  expect(finished).toMatchObject({ status: "SUCCEEDED", progress: 1, attempts: 1, error: null });
  const shop = await database.prisma.shop.findUniqueOrThrow({ where: { id: shopId }, include: { activeModelVersion: true } });
  expect(shop.activeModelVersion).toMatchObject({ status: "READY", version: 1 });
  expect(finished.result).toMatchObject({ modelVersionId: shop.activeModelVersionId });
  expect(await database.prisma.recommendationList.count({ where: { modelVersionId: shop.activeModelVersionId! } })).toBeGreaterThan(100);
}

describe("the train job in-process (embedded database)", () => {
  let database: TestDatabase;
  let queue: InProcessJobQueue;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    queue = new InProcessJobQueue(database.prisma, { attempts: 2, backoffMs: 10 });
  });
  afterAll(async () => {
    await queue?.close();
    await database?.destroy();
  });

  it("runs, records its run and switches the shop to the new model version", async () => {
    const shop = await seedShop(database, "inprocess.myshopify.com");
    await expectTrained(database, queue, shop.id);
  });

  it("rejects a bad payload with the field at fault, before anything is recorded", async () => {
    const before = await database.prisma.jobRun.count();
    await expect(queue.enqueue(trainJob, { shopId: "" })).rejects.toThrow(/Invalid payload for job "train": shopId: /);
    expect(await database.prisma.jobRun.count()).toBe(before);
  });

  it("retries a failed attempt, and records a job that keeps failing with its error", async () => {
    let calls = 0;
    const flaky = defineJob({
      name: "flaky",
      schema: z.object({ failures: z.number() }),
      handler: async ({ failures }) => {
        calls++;
        if (calls <= failures) throw new Error(`attempt ${calls} failed on purpose`);
        return { calls };
      },
    });
    const recovered = await waitForJobRun(database.prisma, (await queue.enqueue(flaky, { failures: 1 })).id);
    expect(recovered).toMatchObject({ status: "SUCCEEDED", attempts: 2, result: { calls: 2 } });

    calls = 0;
    const failed = await waitForJobRun(database.prisma, (await queue.enqueue(flaky, { failures: 5 })).id);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 2, error: "attempt 2 failed on purpose" });
    expect(failed.finishedAt).not.toBeNull();
  });

  it("skips a run cancelled while it waited, and stops a running one at its next report", async () => {
    const shop = await ensureShop(database.prisma, "cancelled.myshopify.com");
    let started = 0;
    let reportsAfterCancel = 0;
    const gate = { open: () => {} };
    const long = defineJob({
      name: "long",
      schema: z.object({ shopId: z.string() }),
      shopId: ({ shopId }) => shopId,
      handler: async (_payload, { progress }) => {
        started++;
        await progress(0.1);
        await new Promise<void>((resolve) => (gate.open = resolve));
        reportsAfterCancel++;
        await progress(0.5);
        reportsAfterCancel++;
      },
    });
    const running = await queue.enqueue(long, { shopId: shop.id });
    const waiting = await queue.enqueue(long, { shopId: shop.id });
    while (started === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await cancelShopJobRuns(database.prisma, shop.id)).toBe(2);
    gate.open();
    await queue.idle();
    expect(started).toBe(1);
    expect(reportsAfterCancel).toBe(1);
    for (const run of [running, waiting]) {
      expect(await database.prisma.jobRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "CANCELLED" });
    }
  });
});

describe.skipIf(!postgresUp || !redisUp)("the train job through BullMQ on Redis (PostgreSQL)", () => {
  let database: TestDatabase;
  let producer: BullMqJobQueue;
  let worker: BullMqJobQueue;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    // A prefix per run keeps parallel CI runs on the same Redis apart.
    const prefix = `affinity-test-${randomBytes(4).toString("hex")}`;
    producer = new BullMqJobQueue(database.prisma, REDIS_URL, { prefix });
    worker = new BullMqJobQueue(database.prisma, REDIS_URL, { prefix, attempts: 1 });
    await worker.startWorkers([trainJob as never]);
  });
  afterAll(async () => {
    await producer?.close();
    await worker?.close();
    await database?.destroy();
  });

  it("is queued by one process, run by a worker, and recorded", async () => {
    const shop = await seedShop(database, "bullmq.myshopify.com");
    await expectTrained(database, producer, shop.id);
  });

  it("does not queue a second training for a shop while one is pending", async () => {
    const shop = await database.prisma.shop.findFirstOrThrow();
    const first = await producer.enqueue(trainJob, { shopId: shop.id });
    const second = await producer.enqueue(trainJob, { shopId: shop.id });
    expect(second.id).toBe(first.id);
    const finished = await waitForJobRun(database.prisma, first.id);
    expect(finished.status).toBe("SUCCEEDED");
    expect(await database.prisma.modelVersion.count({ where: { shopId: shop.id } })).toBe(2);
  });
});
