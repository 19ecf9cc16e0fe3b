import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecommendationService } from "../../app/models/recommendations/index.server";
import { ensureShop } from "../../app/models/shops.server";
import { importStoreSnapshot } from "../../app/models/store-import.server";
import { InvalidationBus } from "../../app/models/storefront/invalidation.server";
import { generateDemoStore } from "../../demo/generate";
import { ingestWebhookJob } from "../../app/jobs/definitions/ingest-webhook";
import { trainJob } from "../../app/jobs/definitions/train";
import { BullMqJobQueue, waitForJobRun } from "../../app/jobs/queue";
import {
  connectOwnDatabase,
  ownServicesAvailable,
  startOwnPostgres,
  startOwnRedis,
  type OwnPostgres,
  type OwnRedis,
} from "../helpers/own-services";
import { startWorkerProcess, type WorkerProcess } from "../helpers/processes";

const SHOP = "faults-workers.myshopify.com";
/** A killed worker's job goes to another worker once its lock expires (AFFINITY_JOB_LOCK_MS). */
const LOCK_MS = "2000";

const available = ownServicesAvailable();

describe.runIf(available)("a worker killed in the middle of a job", () => {
  let redis: OwnRedis;
  let postgres: OwnPostgres;
  let databaseUrl: string;
  let database: ReturnType<typeof connectOwnDatabase>;
  let db: PrismaClient;
  let producer: BullMqJobQueue;
  let shopId: string;
  const workers: WorkerProcess[] = [];
  const holders = new Set<pg.Client>();

  const startWorker = async () => {
    const worker = await startWorkerProcess({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url, AFFINITY_JOB_LOCK_MS: LOCK_MS });
    workers.push(worker);
    return worker;
  };

  /**
   * Holds a table's write lock in a transaction of its own, so that a job writing to it waits
   * there, mid-way, until `release`; resolves once a statement of the job is seen waiting.
   */
  async function blockWritesTo(table: string) {
    const holder = new pg.Client({ connectionString: databaseUrl });
    // Ended with the cluster when a test fails before it let go.
    holder.on("error", () => {});
    holders.add(holder);
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query(`LOCK TABLE "${table}" IN EXCLUSIVE MODE`);
    return {
      async waitForJob(timeoutMs = 45_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          // Waiting statements are not always named in pg_stat_activity yet (a Parse waits too).
          const { rows } = await holder.query(
            `SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted AND relation = $1::regclass`,
            [`"${table}"`],
          );
          if (rows[0].waiting > 0) return;
          if (Date.now() > deadline) {
            const activity = await holder.query(
              `SELECT pid, state, wait_event_type, left(query, 100) AS query FROM pg_stat_activity WHERE datname = current_database()`,
            );
            throw new Error(
              `no job was seen waiting to write to ${table}; sessions:\n${JSON.stringify(activity.rows, null, 1)}\nworker logs:\n${workers.map((worker) => worker.log()).join("\n---\n")}`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      async release() {
        holders.delete(holder);
        await holder.query("ROLLBACK");
        await holder.end();
      },
    };
  }

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startOwnRedis(), startOwnPostgres()]);
    databaseUrl = await postgres.createMigratedDatabase("affinity");
    database = connectOwnDatabase(databaseUrl);
    db = database.prisma;
    producer = new BullMqJobQueue(db, redis.url);
    shopId = (await ensureShop(db, SHOP)).id;
    await importStoreSnapshot(db, shopId, generateDemoStore({ seed: 3, products: 60, customers: 120, orders: 600 }), "DEMO");
  });

  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    for (const holder of holders) await holder.end().catch(() => {});
    await producer?.close();
    await database?.close();
    await Promise.all([redis?.destroy(), postgres?.destroy()]);
  });

  it("loses no webhook delivery: the ingestion the killed worker held is run again by the next one, once", async () => {
    const doomed = await startWorker();
    const payload = {
      id: 4_400_001,
      name: "#4401",
      currency: "USD",
      total_price: "45.00",
      financial_status: "paid",
      test: false,
      created_at: "2026-11-20T10:00:00Z",
      processed_at: "2026-11-20T10:00:00Z",
      updated_at: "2026-11-20T10:00:00Z",
      cancelled_at: null,
      customer: { id: 4_409, email: "killed@example.com", first_name: "Kay", last_name: "Illed" },
      line_items: [
        { id: 44_001, product_id: 7_001, variant_id: 7_101, title: "Lantern", quantity: 1, price: "25.00", gift_card: false },
        { id: 44_002, product_id: 7_002, variant_id: 7_102, title: "Blanket", quantity: 1, price: "20.00", gift_card: false },
      ],
    };
    // As the webhook route leaves it: the delivery stored, its ingestion queued.
    const event = await db.webhookEvent.create({
      data: { webhookId: randomUUID(), shopDomain: SHOP, topic: "orders/create", apiVersion: "2026-07", rawBody: JSON.stringify(payload) },
    });
    const orders = await blockWritesTo("Order");
    await producer.push(ingestWebhookJob, { eventId: event.id });
    await orders.waitForJob();
    await doomed.kill();
    await orders.release();

    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ processedAt: null });
    expect(await db.order.count({ where: { shopId, externalId: "4400001" } })).toBe(0);
    // The killed worker's transaction was rolled back: not even its customer was kept.
    expect(await db.customer.count({ where: { shopId, externalId: "4409" } })).toBe(0);

    await startWorker();
    const deadline = Date.now() + 30_000;
    while (!(await db.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).processedAt) {
      if (Date.now() > deadline) throw new Error(`the delivery was not ingested after the worker was killed:\n${workers.at(-1)!.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ error: null, attempts: 1 });
    const stored = await db.order.findMany({ where: { shopId, externalId: "4400001" }, include: { lines: true } });
    expect(stored).toHaveLength(1);
    expect(stored[0].lines.map((line) => line.externalId).sort()).toEqual(["44001", "44002"]);
    expect(await db.interaction.count({ where: { shopId, dedupeKey: { startsWith: "shopify:order:4400001:" } } })).toBe(2);
  }, 60_000);

  it("keeps the previous model serving through a training killed mid-way, and the next worker finishes it and switches", async () => {
    const first = await waitForJobRun(db, (await producer.enqueue(trainJob, { shopId })).id, 50_000);
    expect(first).toMatchObject({ status: "SUCCEEDED", attempts: 1 });
    const serving = (await db.shop.findUniqueOrThrow({ where: { id: shopId } })).activeModelVersionId;
    expect(serving).toBe((first.result as { modelVersionId: string }).modelVersionId);
    // A storefront process, listening on Redis for the workers' "new version" messages.
    const bus = new InvalidationBus(redis.url);
    const storefront = await new RecommendationService(db, "faults-workers-secret", bus).start();
    try {
      expect((await storefront.recommend({ shopId, placement: "TRENDING", limit: 4 })).modelVersionId).toBe(serving);

      // The worker that ran the first training is killed while the second writes its lists.
      const lists = await blockWritesTo("RecommendationList");
      const run = await producer.enqueue(trainJob, { shopId });
      await lists.waitForJob();
      await workers.at(-1)!.kill();
      await lists.release();

      expect(await db.jobRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "RUNNING", attempts: 1 });
      expect(await db.modelVersion.findMany({ where: { shopId }, orderBy: { version: "asc" }, select: { status: true } })).toEqual([
        { status: "READY" },
        { status: "TRAINING" },
      ]);
      expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).activeModelVersionId).toBe(serving);
      const during = await storefront.recommend({ shopId, placement: "TRENDING", limit: 4 });
      expect([during.modelVersionId, during.products.length]).toEqual([serving, 4]);

      await startWorker();
      const finished = await waitForJobRun(db, run.id, 50_000);
      expect(finished).toMatchObject({ status: "SUCCEEDED", attempts: 2, error: null });
      const versions = await db.modelVersion.findMany({ where: { shopId }, orderBy: { version: "asc" } });
      expect(versions.map((version) => version.status)).toEqual(["READY", "FAILED", "READY"]);
      expect(versions[1].error).toMatch(/abandoned/);
      expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).activeModelVersionId).toBe(versions[2].id);
      expect(finished.result).toMatchObject({ modelVersionId: versions[2].id });
      // The switch reaches the storefront through Redis.
      let after = await storefront.recommend({ shopId, placement: "TRENDING", limit: 4 });
      for (let tries = 0; after.modelVersionId !== versions[2].id && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await storefront.recommend({ shopId, placement: "TRENDING", limit: 4 });
      }
      expect(after.modelVersionId).toBe(versions[2].id);
      expect(after.products).toHaveLength(4);
    } finally {
      storefront.stop();
      await bus.close();
    }
  }, 120_000);
});
