import type { PrismaClient } from "@prisma/client";
import { BullMqJobQueue } from "./bullmq";
import { InProcessJobQueue } from "./in-process";
import type { JobQueue } from "./types";
import { setting } from "../../config/env.server";

export type { JobQueue } from "./types";
export { BullMqJobQueue, InProcessJobQueue };

/** BullMQ when REDIS_URL is set, otherwise the same handlers in this process. */
export function createJobQueue(db: PrismaClient, env: NodeJS.ProcessEnv = process.env): JobQueue {
  const redisUrl = setting("REDIS_URL", env);
  if (!redisUrl) return new InProcessJobQueue(db);
  const lockDurationMs = setting("AFFINITY_JOB_LOCK_MS", env);
  return new BullMqJobQueue(db, redisUrl, { prefix: setting("AFFINITY_QUEUE_PREFIX", env), lockDurationMs });
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
