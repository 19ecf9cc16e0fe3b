import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelShopJobRuns } from "../app/models/job-runs.server";
import { RecommendationService } from "../app/models/recommendations/index.server";
import { InvalidationBus } from "../app/models/storefront/invalidation.server";
import { ensureShop } from "../app/models/shops.server";
import { importStoreSnapshot, type StoreSnapshot } from "../app/models/store-import.server";
import { trainShop } from "../app/models/training.server";
import { getDashboard } from "../app/models/admin/dashboard.server";
import { redactCustomer } from "../app/models/privacy.server";
import { deserializeModel, RECENT_EASE, SESSION_EASE, type EaseModel, type StoreQuality } from "../app/engine";
import { SEASON_SHARE, type PopularityModel } from "../app/engine/models/popularity";
import { FOR_YOU_WEIGHTS, HYBRID_SHARES } from "../app/engine/eval/store-quality";
import { generateDemoStore } from "../demo/generate";
import { z } from "zod";
import { defineJob } from "../app/jobs/definitions/define";
import { scheduleTrainingJob } from "../app/jobs/definitions/schedule-training";
import { trainJob } from "../app/jobs/definitions/train";
import { BullMqJobQueue, InProcessJobQueue, waitForJobRun, type JobQueue } from "../app/jobs/queue";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";
import { firstVersion1State, savedModel, type SavedState } from "./fixtures/version-1-models";
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

  it("fits and serves the two-tower hybrid where the shop's last 30 days gave it a share: the new products customers went on to buy", async () => {
    const shop = await ensureShop(database.prisma, "new-lines.myshopify.com");
    await importStoreSnapshot(database.prisma, shop.id, newLinesStore(), "DEMO");
    const { modelVersionId } = await trainShop(database.prisma, shop.id);
    const version = await database.prisma.modelVersion.findUniqueOrThrow({ where: { id: modelVersionId } });
    const quality = version.metrics as unknown as StoreQuality;
    expect(quality.choices.forYou.hybrid).toBeGreaterThan(0);
    expect(version.models).toContain("hybrid");
    expect(await database.prisma.modelArtifact.count({ where: { modelVersionId, name: "hybrid" } })).toBe(1);
    // An early customer of the alpine line is offered the alpine set first.
    const customer = await database.prisma.customer.findFirstOrThrow({ where: { shopId: shop.id, externalId: "p-alpine-0" } });
    const list = await database.prisma.recommendationList.findFirstOrThrow({
      where: { modelVersionId, placement: "FOR_YOU", subjectKey: customer.id },
    });
    const set = await database.prisma.product.findFirstOrThrow({ where: { shopId: shop.id, externalId: "alpine-set" } });
    expect((list.items as { productId: string }[])[0].productId).toBe(set.id);
  }, 60_000);

  it("shows the home page a version's choices whether its check saved them flat (before they were one object) or as one", async () => {
    const shop = await ensureShop(database.prisma, "saved-choices.myshopify.com");
    const measured = {
      protocol: "time",
      cutoff: Date.now() - 30 * 86_400_000,
      k: 10,
      customers: 25,
      models: { ease: { all: { ndcg: 0.2, recall: 0.3, precision: 0.1 }, new: { ndcg: 0.1, recall: 0.2, precision: 0.05 } } },
    };
    const choices = { forYou: { easeWeight: 0.75, sessions: true, trend: true, hybrid: 0, repeats: 0 }, trending: { season: true } };
    const flat = { ...measured, forYouWeight: 0.75, forYouSessions: true, forYouTrend: true, forYouHybrid: 0, trendingSeason: true };
    await database.prisma.modelVersion.createMany({
      data: [
        { shopId: shop.id, version: 1, status: "READY", trainedAt: new Date(), metrics: flat },
        { shopId: shop.id, version: 2, status: "READY", trainedAt: new Date(), metrics: { ...measured, choices } },
      ],
    });
    const { quality } = await getDashboard(database.prisma, shop.id, 30);
    expect(quality.map((entry) => entry.version)).toEqual([1, 2]);
    for (const entry of quality) expect(entry.metrics).toEqual({ ...measured, choices });
  });

  it("loads the artifacts an earlier build stored as version 1, in their first shape, and serves and redacts them", async () => {
    const db = database.prisma;
    const shop = await seedShop(database, "version-one.myshopify.com");
    const { modelVersionId } = await trainShop(db, shop.id);
    const artifacts = await db.modelArtifact.findMany({ where: { modelVersionId } });
    const current = new Map(artifacts.map((artifact) => [artifact.name, deserializeModel(artifact.data)]));
    for (const artifact of artifacts) {
      const state = firstVersion1State(artifact.name, current.get(artifact.name)!.toJSON() as SavedState);
      await db.modelArtifact.update({ where: { id: artifact.id }, data: { data: Buffer.from(savedModel(artifact.name, 1, state)) } });
    }
    const shoppers = (current.get("ease")!.toJSON() as SavedState).history.userIds.slice(0, 5);
    for (const stored of await db.modelArtifact.findMany({ where: { modelVersionId } })) {
      expect(new TextDecoder().decode(stored.data).split("\n")[0]).toBe(JSON.stringify({ name: stored.name, version: 1 }));
      const model = deserializeModel(stored.data);
      for (const userId of shoppers) {
        const served = current.get(stored.name)!.recommend({ userId, k: 5 });
        // A popularity saved before the season says nothing of it.
        const before = served.map((recommendation) => {
          const { season: _, ...reason } = recommendation.reason as { season?: boolean };
          return { ...recommendation, reason };
        });
        expect(model.recommend({ userId, k: 5 })).toEqual(stored.name === "popularity" ? before : served);
      }
    }
    // A customer's redaction reads the old artifacts and writes them back as the current version, without the customer.
    const customer = await db.customer.findUniqueOrThrow({ where: { id: shoppers[0] } });
    expect((await redactCustomer(db, shop.domain, customer.externalId)).artifacts).toBe(artifacts.length);
    for (const stored of await db.modelArtifact.findMany({ where: { modelVersionId } })) {
      const model = deserializeModel(stored.data);
      expect(new TextDecoder().decode(stored.data).split("\n")[0]).toBe(JSON.stringify({ name: stored.name, version: model.version }));
      expect((model.toJSON() as SavedState).history.userIds).not.toContain(customer.id);
    }
  }, 120_000);
});

/**
 * Five product lines named by a word of their own. Early customers bought a line's lantern and
 * blanket; later ones bought both, then, in the last 30 days, the line's new set of both, which
 * nobody had bought before: only its words place it beside its line.
 */
function newLinesStore(): StoreSnapshot {
  const words = ["alpine", "harbor", "meadow", "canyon", "prairie"];
  const now = Date.now();
  const daysAgo = (days: number) => new Date(now - days * 86_400_000);
  const product = (id: string, title: string) => ({
    externalId: id,
    handle: id,
    title,
    description: "",
    productType: "",
    vendor: "Affinity Outfitters",
    tags: [],
    price: 10,
    compareAtPrice: null,
    available: true,
    inventory: 10,
    collectionHandles: [],
    imageUrl: "",
    createdAt: daysAgo(200),
    variants: [{ externalId: `${id}-v`, title: "Default", sku: id, price: 10, available: true, inventory: 10 }],
  });
  const customers: StoreSnapshot["customers"] = [];
  const orders: StoreSnapshot["orders"] = [];
  const buy = (customer: string, id: string, days: number, ...products: string[]) => {
    if (!customers.some((c) => c.externalId === customer)) {
      customers.push({
        externalId: customer,
        email: `${customer}@example.com`,
        firstName: customer,
        lastName: "Shopper",
        country: "GB",
        province: null,
        city: "Leeds",
        tags: [],
        birthYear: null,
        gender: null,
        acceptsMarketing: false,
        createdAt: daysAgo(300),
      });
    }
    orders.push({
      externalId: id,
      name: `#${orders.length + 1001}`,
      customerExternalId: customer,
      processedAt: daysAgo(days),
      currency: "GBP",
      country: "GB",
      totalPrice: 10 * products.length,
      lines: products.map((productId) => ({
        productExternalId: productId,
        variantExternalId: `${productId}-v`,
        title: productId,
        quantity: 1,
        price: 10,
      })),
    });
  };
  for (const word of words) {
    for (let i = 0; i < 10; i++) buy(`p-${word}-${i}`, `p-${word}-${i}`, 100 + i, `${word}-lantern`, `${word}-blanket`);
    for (let i = 0; i < 4; i++) {
      buy(`t-${word}-${i}`, `t-${word}-${i}-a`, 60, `${word}-lantern`, `${word}-blanket`);
      buy(`t-${word}-${i}`, `t-${word}-${i}-b`, 10, `${word}-set`);
    }
  }
  return {
    collections: [],
    products: [
      ...["lantern", "blanket"].flatMap((kind) => words.map((word) => product(`${word}-${kind}`, `${word} ${kind}`))),
      ...words.map((word) => product(`${word}-set`, `${word} lantern, ${word} blanket`)),
    ],
    customers,
    orders,
    events: [],
  };
}

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

  it("retries a failed attempt on Redis with backoff, and fails an attempt that runs past its timeout", async () => {
    let calls = 0;
    const flaky = defineJob({
      name: "flaky-on-redis",
      schema: z.object({ failures: z.number(), sleepMs: z.number().default(0) }),
      timeoutMs: 300,
      handler: async ({ failures, sleepMs }) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, sleepMs));
        if (calls <= failures) throw new Error(`attempt ${calls} failed on purpose`);
        return { calls };
      },
    });
    const retrying = new BullMqJobQueue(database.prisma, REDIS_URL, {
      prefix: `affinity-test-${randomBytes(4).toString("hex")}`,
      attempts: 2,
      backoffMs: 50,
    });
    await retrying.startWorkers([flaky as never]);
    try {
      const recovered = await waitForJobRun(database.prisma, (await retrying.enqueue(flaky, { failures: 1 })).id, 30_000);
      expect(recovered).toMatchObject({ status: "SUCCEEDED", attempts: 2, result: { calls: 2 } });
      calls = 10;
      const slow = await waitForJobRun(database.prisma, (await retrying.enqueue(flaky, { failures: 0, sleepMs: 2_000 })).id, 30_000);
      expect(slow).toMatchObject({ status: "FAILED", attempts: 2, error: "flaky-on-redis did not finish within 300 ms" });
    } finally {
      await retrying.close();
    }
  });

  it("checks on a repeating schedule and queues the training a shop is due", async () => {
    const db = database.prisma;
    const shop = await db.shop.findFirstOrThrow();
    await db.shopSettings.update({ where: { shopId: shop.id }, data: { retrainAfterOrders: 1, trainingSchedule: "0 3 1 1 *" } });
    await db.order.create({
      data: { shopId: shop.id, externalId: "after-training", processedAt: new Date(), totalPrice: 20, source: "IMPORT" },
    });
    await worker.startWorkers([scheduleTrainingJob as never]);
    await producer.repeat(scheduleTrainingJob as never, 300);
    const trainingsBefore = await db.jobRun.count({ where: { shopId: shop.id, name: "train" } });
    const deadline = Date.now() + 30_000;
    while ((await db.jobRun.count({ where: { shopId: shop.id, name: "train" } })) === trainingsBefore) {
      if (Date.now() > deadline) throw new Error("the scheduled check did not queue the training");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const queued = await db.jobRun.findFirstOrThrow({ where: { shopId: shop.id, name: "train" }, orderBy: { createdAt: "desc" } });
    expect(await waitForJobRun(db, queued.id, 60_000)).toMatchObject({ status: "SUCCEEDED" });
    expect(await db.modelVersion.count({ where: { shopId: shop.id, status: "READY" } })).toBe(3);
  });
});

describe.skipIf(!postgresUp || !redisUp)("training on worker processes (PostgreSQL, Redis)", () => {
  let database: TestDatabase;
  let producer: BullMqJobQueue;
  const workers: ChildProcess[] = [];
  const prefix = `affinity-test-${randomBytes(4).toString("hex")}`;

  /** A `npm run worker` process, once it consumes jobs. */
  async function startWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: (database.target as { url: string }).url,
        REDIS_URL,
        AFFINITY_QUEUE_PREFIX: prefix,
        AFFINITY_JOB_LOCK_MS: "2000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stderr!.resume();
    workers.push(child);
    let log = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (chunk) => {
        log += chunk;
        if (log.includes("worker consuming")) resolve();
      });
      child.once("exit", () => reject(new Error(`the worker exited before it started:\n${log}`)));
    });
    return child;
  }

  async function waitForProgress(runId: string, atLeast: number) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = await database.prisma.jobRun.findUniqueOrThrow({ where: { id: runId } });
      if (run.status === "RUNNING" && run.progress >= atLeast) return run;
      if (run.status === "SUCCEEDED" || run.status === "FAILED" || Date.now() > deadline)
        throw new Error(`the run was not caught mid-way (${run.status}, ${run.progress})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    producer = new BullMqJobQueue(database.prisma, REDIS_URL, { prefix });
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
    await producer?.close();
    await database?.destroy();
  });

  it("delivers an invalidation to its own process at once and once, and to other processes through Redis", async () => {
    const [here, there] = [new InvalidationBus(REDIS_URL), new InvalidationBus(REDIS_URL)];
    const seen: { here: string[]; there: string[] } = { here: [], there: [] };
    await here.subscribe((message) => seen.here.push(message.shopId));
    await there.subscribe((message) => seen.there.push(message.shopId));
    await here.publish({ shopId: "shop-1", scope: "rules" });
    // Applied here before publish returns; never again when Redis echoes it back.
    expect(seen.here).toEqual(["shop-1"]);
    for (let tries = 0; seen.there.length === 0 && tries < 50; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual({ here: ["shop-1"], there: ["shop-1"] });
    await Promise.all([here.close(), there.close()]);
  });

  it("keeps the previous version serving when the worker is killed mid-training, and a second worker finishes the run", async () => {
    const db = database.prisma;
    const shop = await seedShop(database, "killed.myshopify.com");
    const first = await trainShop(db, shop.id);
    // The service listens on Redis, as a web process does, for the worker's "new version" message.
    const bus = new InvalidationBus(REDIS_URL);
    const service = new RecommendationService(db, "kill-test-secret", bus);
    await service.start();

    const doomed = await startWorker();
    const run = await producer.enqueue(trainJob, { shopId: shop.id });
    await waitForProgress(run.id, 0.3);
    doomed.kill("SIGKILL");
    await new Promise((resolve) => doomed.once("exit", resolve));

    const during = await db.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(during.activeModelVersionId).toBe(first.modelVersionId);
    expect(await db.modelVersion.findFirst({ where: { shopId: shop.id, status: "TRAINING" } })).not.toBeNull();
    const answer = await service.recommend({ shopId: shop.id, placement: "TRENDING", limit: 5 });
    expect([answer.modelVersionId, answer.products.length]).toEqual([first.modelVersionId, 5]);

    await startWorker();
    const finished = await waitForJobRun(db, run.id, 120_000);
    expect(finished.status).toBe("SUCCEEDED");
    const versions = await db.modelVersion.findMany({ where: { shopId: shop.id }, orderBy: { version: "asc" } });
    expect(versions.map((version) => version.status)).toEqual(["READY", "FAILED", "READY"]);
    expect(versions[1].error).toContain("abandoned");
    const after = await db.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(after.activeModelVersionId).toBe(versions[2].id);
    expect((await service.recommend({ shopId: shop.id, placement: "TRENDING", limit: 5 })).modelVersionId).toBe(versions[2].id);
    service.stop();
    await bus.close();
    for (const worker of workers) worker.kill("SIGKILL");
  }, 180_000);

  it("reads the store's history page by page: pages of 7 interactions train what one page does", async () => {
    const db = database.prisma;
    const shop = await seedShop(database, "paged.myshopify.com");
    const lists = async (modelVersionId: string) =>
      (await db.recommendationList.findMany({ where: { modelVersionId }, orderBy: [{ placement: "asc" }, { subjectKey: "asc" }] })).map(
        ({ placement, subjectKey, items }) => ({ placement, subjectKey, items }),
      );
    const whole = await trainShop(db, shop.id);
    const paged = await trainShop(db, shop.id, undefined, { readPage: 7 });
    expect(whole.interactions).toBeGreaterThan(7 * 3);
    expect(paged.interactions).toBe(whole.interactions);
    expect([paged.lists, paged.pairs, paged.seasonalCurves]).toEqual([whole.lists, whole.pairs, whole.seasonalCurves]);
    expect(await lists(paged.modelVersionId)).toEqual(await lists(whole.modelVersionId));
  }, 120_000);

  it("trains the same store, imported into two shops, to the same quality and the same lists", async () => {
    const db = database.prisma;
    // Each list, its subject and its products named by the store's own ids, not the database's.
    const trained = async (domain: string) => {
      const shop = await seedShop(database, domain);
      const { modelVersionId } = await trainShop(db, shop.id);
      const external = new Map<string, string>();
      for (const row of [
        ...(await db.product.findMany({ where: { shopId: shop.id } })),
        ...(await db.customer.findMany({ where: { shopId: shop.id } })),
      ])
        external.set(row.id, row.externalId);
      const version = await db.modelVersion.findUniqueOrThrow({ where: { id: modelVersionId } });
      const lists = (await db.recommendationList.findMany({ where: { modelVersionId } }))
        .map(({ placement, subjectKey, items }) => ({
          placement,
          subject: external.get(subjectKey) ?? subjectKey,
          items: (items as unknown as { productId: string; score: number }[]).map((item) => [external.get(item.productId), item.score]),
        }))
        .sort((a, b) => `${a.placement} ${a.subject}`.localeCompare(`${b.placement} ${b.subject}`));
      return { quality: version.metrics, lists };
    };
    const first = await trained("twin-a.myshopify.com");
    const second = await trained("twin-b.myshopify.com");
    expect(first.lists.length).toBeGreaterThan(100);
    expect(second.quality).toEqual(first.quality);
    expect(second.lists).toEqual(first.lists);
  }, 120_000);

  it("fits EASE by sitting or by recency exactly when the shop's last 30 days chose it, with the weight chosen with it", async () => {
    const db = database.prisma;
    const shop = await seedShop(database, "sittings.myshopify.com");
    const { modelVersionId } = await trainShop(db, shop.id);
    const version = await db.modelVersion.findUniqueOrThrow({ where: { id: modelVersionId } });
    const quality = version.metrics as unknown as StoreQuality;
    expect(typeof quality.choices.forYou.sessions).toBe("boolean");
    expect(typeof quality.choices.forYou.trend).toBe("boolean");
    expect(FOR_YOU_WEIGHTS).toContain(quality.choices.forYou.easeWeight);
    const artifact = await db.modelArtifact.findFirstOrThrow({ where: { modelVersionId, name: "ease" } });
    const ease = deserializeModel(artifact.data) as EaseModel;
    expect(ease.toJSON().params.proximityMinutes).toBe(quality.choices.forYou.sessions ? SESSION_EASE.proximityMinutes : 0);
    expect(typeof quality.choices.forYou.recency).toBe("boolean");
    expect(ease.toJSON().params.recencyHalfLifeDays).toBe(quality.choices.forYou.recency ? RECENT_EASE.recencyHalfLifeDays : 0);
    // The hybrid is fitted, stored and named in the version exactly where the check gave it a share.
    expect(HYBRID_SHARES).toContain(quality.choices.forYou.hybrid);
    const hybrid = await db.modelArtifact.findFirst({ where: { modelVersionId, name: "hybrid" } });
    expect(Boolean(hybrid)).toBe(quality.choices.forYou.hybrid > 0);
    expect(version.models.includes("hybrid")).toBe(quality.choices.forYou.hybrid > 0);
    // Trending reads last year's season exactly where the check found it served better.
    const popularity = deserializeModel(
      (await db.modelArtifact.findFirstOrThrow({ where: { modelVersionId, name: "popularity" } })).data,
    ) as PopularityModel;
    expect(popularity.toJSON().params.seasonShare).toBe(quality.choices.trending.season ? SEASON_SHARE : 0);
  }, 120_000);

  it("finishes the job in hand on SIGTERM before the worker exits", async () => {
    const db = database.prisma;
    const shop = await db.shop.findFirstOrThrow({ where: { domain: "killed.myshopify.com" } });
    const worker = await startWorker();
    const run = await producer.enqueue(trainJob, { shopId: shop.id });
    await waitForProgress(run.id, 0.05);
    worker.kill("SIGTERM");
    const [code] = (await once(worker, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(await db.jobRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "SUCCEEDED", progress: 1 });
  }, 180_000);
});
