import type { PrismaClient } from "@prisma/client";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { closeRedisConnection, redisConnection } from "../../services/redis.server";
import type { JobDefinition } from "../definitions/define";
import { recordJobRun } from "./enqueue";
import { parsePayload, runJobAttempt } from "./run-job";
import { JOB_SETTINGS, QUEUE_PREFIX } from "./settings";
import type { JobQueue } from "./types";

interface QueuedJob {
  runId: string | null;
  payload: unknown;
}

/** Jobs on Redis through BullMQ: at-least-once, retried with backoff, shared by any number of workers. */
export class BullMqJobQueue implements JobQueue {
  readonly kind = "bullmq" as const;
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue<QueuedJob>>();
  private readonly workers: Worker<QueuedJob>[] = [];
  /** The workers' own connections: BullMQ leaves a connection it was given open when it closes. */
  private readonly workerConnections: Redis[] = [];

  constructor(
    private readonly db: PrismaClient,
    redisUrl: string,
    private readonly options: { prefix?: string; attempts?: number; backoffMs?: number; lockDurationMs?: number } = {},
  ) {
    this.connection = redisConnection("queue", redisUrl);
  }

  private queueFor(name: string): Queue<QueuedJob> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<QueuedJob>(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  private get prefix() {
    return this.options.prefix ?? QUEUE_PREFIX;
  }

  async enqueue(definition: JobDefinition, payload: unknown) {
    const { run, created } = await recordJobRun(this.db, definition, payload);
    if (created) {
      await this.queueFor(definition.name).add(definition.name, { runId: run.id, payload: run.payload }, this.jobOptions(run.id));
    }
    return run;
  }

  async push(definition: JobDefinition, payload: unknown, options: { jobId?: string } = {}) {
    const job = this.unrecordedJob(definition, payload, options.jobId);
    await this.queueFor(definition.name).add(job.name, job.data, job.opts);
  }

  async pushMany(definition: JobDefinition, payloads: unknown[]) {
    if (payloads.length) await this.queueFor(definition.name).addBulk(payloads.map((payload) => this.unrecordedJob(definition, payload)));
  }

  async repeat(definition: JobDefinition, everyMs: number, payload: unknown = {}) {
    const job = this.unrecordedJob(definition, payload);
    const { jobId: _jobId, ...opts } = job.opts as typeof job.opts & { jobId?: string };
    // A job scheduler is keyed by name: every worker upserting it leaves one schedule in Redis.
    await this.queueFor(definition.name).upsertJobScheduler(definition.name, { every: everyMs }, { name: job.name, data: job.data, opts });
  }

  private unrecordedJob(definition: JobDefinition, payload: unknown, jobId?: string) {
    const data = parsePayload(definition, payload);
    const key = jobId ?? definition.dedupeKey?.(data);
    return {
      name: definition.name,
      data: { runId: null, payload: data } as QueuedJob,
      // BullMQ keys jobs by id; ":" separates its Redis key parts.
      opts: this.jobOptions(key?.replaceAll(":", "-")),
    };
  }

  /** Retries with exponential backoff, and how many finished jobs Redis keeps. */
  private jobOptions(jobId: string | undefined) {
    return {
      ...(jobId ? { jobId } : {}),
      attempts: this.options.attempts ?? JOB_SETTINGS.attempts,
      backoff: { type: "exponential", delay: this.options.backoffMs ?? JOB_SETTINGS.backoffMs },
      removeOnComplete: JOB_SETTINGS.keepCompleted,
      removeOnFail: JOB_SETTINGS.keepFailed,
    };
  }

  async startWorkers(definitions: JobDefinition[]) {
    for (const definition of definitions) {
      const connection = this.connection.duplicate();
      this.workerConnections.push(connection);
      const worker = new Worker<QueuedJob>(
        definition.name,
        async (job) => {
          const attempts = job.opts.attempts ?? 1;
          const willRetry = job.attemptsMade + 1 < attempts;
          return runJobAttempt(this.db, this, definition, job.data.runId, job.data.payload, willRetry, job.attemptsMade + 1);
        },
        {
          connection,
          prefix: this.prefix,
          concurrency: JOB_SETTINGS.concurrency,
          // A job whose worker died is handed to another worker once its lock has expired.
          lockDuration: this.options.lockDurationMs ?? JOB_SETTINGS.lockDurationMs,
          stalledInterval: this.options.lockDurationMs ?? JOB_SETTINGS.lockDurationMs,
        },
      );
      worker.on("failed", (job, error) => console.error(`[jobs] ${definition.name} ${job?.id ?? "?"} failed:`, error.message));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  async close() {
    // Worker.close() waits for the jobs in hand to finish before it resolves.
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await Promise.all(this.workerConnections.splice(0).map(closeRedisConnection));
    this.connection.disconnect();
  }
}
