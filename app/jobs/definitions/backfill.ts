import { z } from "zod";
import { runBackfill, type BackfillCheckpoint } from "../../models/backfill/backfill.server";
import { adminApiForShop } from "../../shopify/admin-api.server";
import { defineJob } from "./define";
import { trainJob } from "./train";
import { setting } from "../../config/env.server";

/** How often a running bulk export is polled. */
const BULK_POLL_INTERVAL_MS = setting("AFFINITY_BULK_POLL_MS") ?? 5_000;

/**
 * Imports the shop's history from Shopify (on install, and on demand from the admin), then
 * queues a training. One at a time per shop; a retried or resumed run continues where the
 * last one stopped (see app/models/backfill/backfill.server.ts).
 */
export const backfillJob = defineJob({
  name: "backfill",
  schema: z.object({ shopId: z.string().min(1) }),
  dedupeKey: ({ shopId }) => `backfill:${shopId}`,
  shopId: ({ shopId }) => shopId,
  // Bulk exports of years of orders take a while; the checkpoint makes a retry resume.
  timeoutMs: 6 * 60 * 60_000,
  handler: async ({ shopId }, { db, enqueue, savedCheckpoint, checkpoint, progress }) => {
    const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { settings: true } });
    const admin = await adminApiForShop(db, shop.domain);
    const state: BackfillCheckpoint = await runBackfill(db, shopId, admin, {
      months: shop.settings?.historyMonths ?? 24,
      pollIntervalMs: BULK_POLL_INTERVAL_MS,
      saved: savedCheckpoint,
      checkpoint: (value) => checkpoint({ ...value }),
      progress,
    });
    await enqueue(trainJob, { shopId });
    return { ...state.counts, resumedRecords: state.resumedRecords };
  },
});
