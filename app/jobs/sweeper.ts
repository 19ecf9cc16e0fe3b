import type { PrismaClient } from "@prisma/client";
import { listUnprocessedWebhooks } from "../models/webhooks.server";
import { ingestWebhookJob } from "./definitions/ingest-webhook";
import type { JobQueue } from "./queue";

/** Deliveries older than this and still unprocessed are queued again. */
export const SWEEP_AFTER_MS = 2 * 60_000;
export const SWEEP_EVERY_MS = 5 * 60_000;

/**
 * Queues stored webhook deliveries that were never processed (Redis or the worker was down
 * when they arrived). Ingestion is idempotent: a delivery processed twice changes nothing.
 */
export async function sweepUnprocessedWebhooks(db: PrismaClient, queue: JobQueue, now = Date.now()): Promise<number> {
  const waiting = await listUnprocessedWebhooks(db, new Date(now - SWEEP_AFTER_MS));
  // A fresh job id: the first job of a delivery may still be kept in BullMQ's failed set.
  const sweep = Date.now();
  for (const event of waiting) await queue.push(ingestWebhookJob, { eventId: event.id }, { jobId: `ingest-webhook-${event.id}-${sweep}` });
  return waiting.length;
}
