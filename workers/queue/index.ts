import type { PrismaClient } from "@prisma/client";
import { BullMqJobQueue } from "./bullmq";
import { InProcessJobQueue } from "./in-process";
import type { JobQueue } from "./types";

export type { JobQueue } from "./types";
export { BullMqJobQueue, InProcessJobQueue };

/** BullMQ when REDIS_URL is set, otherwise the same handlers in this process. */
export function createJobQueue(db: PrismaClient, env: NodeJS.ProcessEnv = process.env): JobQueue {
  const redisUrl = env.REDIS_URL?.trim();
  if (!redisUrl) return new InProcessJobQueue(db);
  if (!/^rediss?:\/\//.test(redisUrl)) {
    throw new Error(`REDIS_URL must start with redis:// or rediss:// (got "${redisUrl.slice(0, 24)}…").`);
  }
  const lockDurationMs = Number(env.AFFINITY_JOB_LOCK_MS) || undefined;
  return new BullMqJobQueue(db, redisUrl, { prefix: env.AFFINITY_QUEUE_PREFIX?.trim() || undefined, lockDurationMs });
}

/** Polls a JobRun until it has finished; used by CLIs and tests that wait for a result. */
export async function waitForJobRun(db: PrismaClient, runId: string, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db.jobRun.findUniqueOrThrow({ where: { id: runId } });
    if (run.status === "SUCCEEDED" || run.status === "FAILED" || run.status === "CANCELLED") return run;
    if (Date.now() > deadline) throw new Error(`Job ${run.name} (${runId}) did not finish within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
