import { z } from "zod";
import { ingestWebhookEvent } from "../../app/models/ingest/ingest-webhook.server";
import { defineJob } from "./define";

/** Normalises one stored webhook delivery into orders, products, customers and interactions. */
export const ingestWebhookJob = defineJob({
  name: "ingest-webhook",
  schema: z.object({ eventId: z.string().min(1) }),
  dedupeKey: ({ eventId }) => `ingest-webhook:${eventId}`,
  handler: async ({ eventId }, { db }) => ingestWebhookEvent(db, eventId),
});
