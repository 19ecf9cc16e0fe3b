import { z } from "zod";
import { ingestWebhookEvent } from "../../models/ingest/ingest-webhook.server";
import { defineJob } from "./define";

/** Normalises one stored webhook delivery into orders, products, customers and interactions. */
export const ingestWebhookJob = defineJob({
  name: "ingest-webhook",
  schema: z.object({ eventId: z.string().min(1) }),
  dedupeKey: ({ eventId }) => `ingest-webhook:${eventId}`,
  // The WebhookEvent row records the outcome (processedAt, error, attempts).
  recorded: false,
  timeoutMs: 60_000,
  handler: async ({ eventId }, { db }) => {
    try {
      return await ingestWebhookEvent(db, eventId);
    } catch (error) {
      // Left unprocessed, with the reason, for the next attempt or the sweeper.
      await db.webhookEvent.updateMany({
        where: { id: eventId, processedAt: null },
        data: { error: (error as Error).message, attempts: { increment: 1 } },
      });
      throw error;
    }
  },
});
