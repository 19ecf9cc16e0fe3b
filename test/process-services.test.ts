import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownServicesAvailable, startOwnRedis, type OwnRedis, type RedisClientEntry } from "./helpers/own-services";

const available = ownServicesAvailable();

/** What is connected once the server has seen the QUITs through (a closed socket leaves the list a moment after its reply). */
async function clientsOnceSettled(redis: OwnRedis, timeoutMs = 2_000): Promise<RedisClientEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const clients = await redis.clients();
    if (!clients.length || Date.now() > deadline) return clients;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(available)("the process's services at shutdown (a Redis server of the test's own)", () => {
  let redis: OwnRedis;
  let dataDir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    redis = await startOwnRedis();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-services-"));
    Object.assign(process.env, {
      NODE_ENV: "test",
      REDIS_URL: redis.url,
      AFFINITY_DATA_DIR: dataDir,
      SHOPIFY_API_SECRET: "services-secret",
    });
    delete process.env.DATABASE_URL;
  });

  afterAll(async () => {
    const { shutdownProcess } = await import("../app/services/registry.server");
    await shutdownProcess();
    process.env = saved;
    await redis?.destroy();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("closes the web process's queue, invalidation bus, rate limiters and database, leaving no connection open; a second shutdown is harmless", async () => {
    // Imported here: the app's modules open the database the environment names when they load.
    const { processJobQueue } = await import("../app/jobs/runtime");
    const { ingestWebhookJob } = await import("../app/jobs/definitions");
    const { processDatabase } = await import("../app/db.server");
    const { recommendationService } = await import("../app/models/recommendations/index.server");
    const { publishInvalidation } = await import("../app/models/storefront/invalidation.server");
    const { consumeRateLimit } = await import("../app/models/storefront/rate-limits.server");
    const { shutdownProcess } = await import("../app/services/registry.server");

    // As the web process opens them: the queue at start (a webhook delivery is pushed to it), the
    // invalidation subscriber with the recommendation cache, the publisher with a change, the
    // rate limiter with a headless request.
    const queue = processJobQueue();
    expect(queue.kind).toBe("bullmq");
    await queue.push(ingestWebhookJob, { eventId: "delivery-1" });
    const database = processDatabase();
    await recommendationService(database.prisma);
    await publishInvalidation({ shopId: "shop-1", scope: "rules" });
    const rate = await consumeRateLimit("api-key", "key-1");
    expect(rate).toEqual({ headers: { "X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "49" } });
    // Queue, publisher, subscriber and rate limiter, each on its own connection.
    const open = await redis.clients();
    expect(open.length).toBe(4);
    expect(open.filter((client) => client.flags.includes("P")).length).toBe(1);
    expect(fs.existsSync(path.join(dataDir, "affinity.lock"))).toBe(true);

    await shutdownProcess();
    expect(await clientsOnceSettled(redis)).toEqual([]);
    // The embedded database is closed and its folder released.
    expect(fs.existsSync(path.join(dataDir, "affinity.lock"))).toBe(false);

    await expect(shutdownProcess()).resolves.toBeUndefined();
    expect(await redis.clients()).toEqual([]);
  });

  it("closes a worker's BullMQ workers and the connections they were given", async () => {
    const { allJobs, processJobQueue } = await import("../app/jobs/runtime");
    const { shutdownProcess } = await import("../app/services/registry.server");
    // Queues of their own: the delivery the web process pushed above is not this worker's to take.
    process.env.AFFINITY_QUEUE_PREFIX = "affinity-worker";

    await processJobQueue().startWorkers(allJobs);
    expect((await redis.clients()).length).toBeGreaterThan(allJobs.length);

    await Promise.all([shutdownProcess(), shutdownProcess()]);
    expect(await clientsOnceSettled(redis)).toEqual([]);
  });
});
