import { z } from "zod";
import { applyRetention } from "../../models/retention.server";
import { defineJob } from "./define";

/** Once a day, one run at a time across workers. */
export const RETENTION_EVERY_MS = 24 * 60 * 60_000;

/** Deletes shoppers' data older than the retention periods (app/models/retention.server.ts). */
export const retentionJob = defineJob({
  name: "retention",
  schema: z.object({}),
  dedupeKey: () => "retention",
  recorded: false,
  timeoutMs: 30 * 60_000,
  handler: async (_payload, { db }) => ({ ...(await applyRetention(db)) }),
});
