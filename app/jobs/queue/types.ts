import type { JobRun } from "@prisma/client";
import type { z } from "zod";
import type { JobDefinition } from "../definitions/define";

export interface JobQueue {
  readonly kind: "bullmq" | "in-process";
  /** Records a JobRun and queues it; a pending run with the same dedupe key is returned instead. */
  enqueue<S extends z.ZodType>(definition: JobDefinition<S>, payload: z.input<S>): Promise<JobRun>;
  /**
   * Queues a job that writes no JobRun row (JobDefinition.recorded false). A job with the same
   * id (by default its dedupe key) that is still waiting is not queued twice.
   */
  push<S extends z.ZodType>(definition: JobDefinition<S>, payload: z.input<S>, options?: { jobId?: string }): Promise<void>;
  /** push for many payloads at once (one round trip to Redis). */
  pushMany<S extends z.ZodType>(definition: JobDefinition<S>, payloads: z.input<S>[]): Promise<void>;
  /** Runs an unrecorded job every `everyMs` (once across all workers), starting one interval from now. */
  repeat(definition: JobDefinition, everyMs: number, payload?: unknown): Promise<void>;
  /** Starts consuming jobs of these kinds in this process. */
  startWorkers(definitions: JobDefinition[]): Promise<void>;
  /** Stops taking jobs, lets the ones in hand finish, and disconnects. */
  close(): Promise<void>;
}
