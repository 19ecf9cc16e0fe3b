import { z } from "zod";
import { trainShop } from "../../models/training.server";
import { defineJob } from "./define";

/** Trains a shop's models and switches serving to the new version. One at a time per shop. */
export const trainJob = defineJob({
  name: "train",
  schema: z.object({ shopId: z.string().min(1) }),
  dedupeKey: ({ shopId }) => `train:${shopId}`,
  shopId: ({ shopId }) => shopId,
  handler: async ({ shopId }, { db, progress }) => {
    const result = await trainShop(db, shopId, (fraction, message) => progress(fraction, message));
    return { ...result };
  },
});
