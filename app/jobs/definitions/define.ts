import type { Prisma, PrismaClient } from "@prisma/client";
import type { z } from "zod";

export interface JobContext {
  db: PrismaClient;
  /** Queues another job on the queue running this one. */
  enqueue<S extends z.ZodType>(definition: JobDefinition<S>, payload: z.input<S>): Promise<unknown>;
  runId: string;
  /** 1 on the first try. */
  attempt: number;
  /** Where an earlier attempt got to, as saved with `checkpoint`. */
  savedCheckpoint: unknown;
  progress(fraction: number, message?: string): Promise<void>;
  checkpoint(value: Prisma.InputJsonValue): Promise<void>;
}

/**
 * A job: a name, a payload schema and a short handler that calls domain code in app/models.
 * The same definition runs on BullMQ (REDIS_URL set) or in-process (unset).
 */
export interface JobDefinition<Schema extends z.ZodType = z.ZodType> {
  name: string;
  schema: Schema;
  /** Runs with the same key never wait in the queue twice (e.g. one training per shop). */
  dedupeKey?: (payload: z.infer<Schema>) => string;
  shopId?: (payload: z.infer<Schema>) => string;
  /**
   * false for high-volume jobs whose subject records its own state (a webhook delivery has
   * processedAt and error): they are queued with \`push\`, keyed by dedupeKey, and write no
   * JobRun row, which keeps the webhook acknowledgement to one database write.
   */
  recorded?: boolean;
  /** An attempt still running after this long fails (and is retried); JOB_SETTINGS.timeoutMs by default. */
  timeoutMs?: number;
  handler: (payload: z.infer<Schema>, context: JobContext) => Promise<Prisma.InputJsonValue | void>;
}

export function defineJob<Schema extends z.ZodType>(definition: JobDefinition<Schema>): JobDefinition<Schema> {
  return definition;
}
