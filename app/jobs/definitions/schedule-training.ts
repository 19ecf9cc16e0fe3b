import { z } from "zod";
import { shopsDueForTraining, type TrainingHeld } from "../../models/training-schedule.server";
import { defineJob } from "./define";
import { trainJob } from "./train";

/** How often every shop's schedule and order count are checked. */
export const TRAINING_CHECK_EVERY_MS = 10 * 60_000;

/**
 * Repeats every TRAINING_CHECK_EVERY_MS (one at a time across workers): queues a training for
 * each shop that is due, nightly by its schedule or early by its new orders. Free shops over
 * their order limit are held (counted in the result).
 */
export const scheduleTrainingJob = defineJob({
  name: "schedule-training",
  schema: z.object({}),
  dedupeKey: () => "schedule-training",
  recorded: false,
  timeoutMs: 2 * 60_000,
  handler: async (_payload, { db, enqueue }) => {
    const held: TrainingHeld[] = [];
    const due = await shopsDueForTraining(db, new Date(), held);
    for (const shop of due) await enqueue(trainJob, { shopId: shop.shopId });
    return { queued: due.length, held: held.length };
  },
});
