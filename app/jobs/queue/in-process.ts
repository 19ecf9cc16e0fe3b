import type { PrismaClient } from "@prisma/client";
import type { JobDefinition } from "../definitions/define";
import { recordJobRun } from "./enqueue";
import { parsePayload, runJobAttempt } from "./run-job";
import { JOB_SETTINGS } from "./settings";
import type { JobQueue } from "./types";

/**
 * Runs jobs inside the web process, one at a time, with the same retries as BullMQ.
 * Used when REDIS_URL is unset (the embedded default). The JobRun rows stay the record.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = "in-process" as const;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly db: PrismaClient,
    private readonly settings: { attempts: number; backoffMs: number } = JOB_SETTINGS,
  ) {}

  async enqueue(definition: JobDefinition, payload: unknown) {
    if (this.closed) throw new Error("The job queue is closed; cannot enqueue " + definition.name);
    const { run, created } = await recordJobRun(this.db, definition, payload);
    if (created) this.chain = this.chain.then(() => this.runWithRetries(definition, run.id, run.payload));
    return run;
  }

  async push(definition: JobDefinition, payload: unknown) {
    if (this.closed) throw new Error("The job queue is closed; cannot push " + definition.name);
    const data = parsePayload(definition, payload);
    this.chain = this.chain.then(() => this.runWithRetries(definition, null, data));
  }

  async pushMany(definition: JobDefinition, payloads: unknown[]) {
    for (const payload of payloads) await this.push(definition, payload);
  }

  async repeat(definition: JobDefinition, everyMs: number, payload: unknown = {}) {
    const timer = setInterval(() => void this.push(definition, payload).catch(() => {}), everyMs);
    timer.unref();
    this.timers.push(timer);
  }

  async startWorkers() {
    // Jobs run as they are enqueued; there is nothing to subscribe to.
  }

  /** Resolves when every job enqueued so far has finished (succeeded or failed for good). */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  async close() {
    this.closed = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.idle();
  }

  private async runWithRetries(definition: JobDefinition, runId: string | null, payload: unknown) {
    for (let attempt = 1; attempt <= this.settings.attempts; attempt++) {
      const willRetry = attempt < this.settings.attempts;
      try {
        await runJobAttempt(this.db, this, definition, runId, payload, willRetry, attempt);
        return;
      } catch (error) {
        console.error(`[jobs] ${definition.name} ${runId ?? ""} attempt ${attempt} failed:`, (error as Error).message);
        if (!willRetry) return;
        await new Promise((resolve) => setTimeout(resolve, this.settings.backoffMs * 2 ** (attempt - 1)));
      }
    }
  }
}
