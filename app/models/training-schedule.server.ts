import type { PrismaClient } from "@prisma/client";
import { CronExpressionParser } from "cron-parser";
import { trainingHoldReason } from "./billing.server";

export type TrainingDue = { shopId: string; why: "schedule" | "orders"; detail: string };
/** A shop that was due but whose plan holds its training, with the reason the admin shows. */
export type TrainingHeld = { shopId: string; reason: string };

/** Whether a cron expression (the shop's training schedule) is one this app can run; the error says why not. */
export function checkTrainingSchedule(expression: string, timezone = "UTC"): string | null {
  try {
    CronExpressionParser.parse(expression, { tz: timezone });
    return null;
  } catch (error) {
    return `"${expression}" is not a cron schedule such as "0 3 * * *" (03:00 every day): ${(error as Error).message}`;
  }
}

/**
 * The shops whose model should be retrained now: those whose schedule (a cron expression in the
 * shop's time zone, nightly by default) fired since their last training, and those that have
 * received `retrainAfterOrders` orders since it. A shop never trained is left to the backfill,
 * which queues its first training when the history is in. A due shop on the Free plan over its
 * order limit is left out and listed in `held` (its storefront keeps serving the last lists).
 */
export async function shopsDueForTraining(db: PrismaClient, now = new Date(), held: TrainingHeld[] = []): Promise<TrainingDue[]> {
  const shops = await db.shop.findMany({
    where: { uninstalledAt: null, activeModelVersionId: { not: null } },
    select: {
      id: true,
      domain: true,
      platform: true,
      plan: true,
      timezone: true,
      settings: true,
      activeModelVersion: { select: { trainedAt: true, startedAt: true } },
    },
  });
  const due: TrainingDue[] = [];
  for (const shop of shops) {
    const reason = await whyDue(db, shop, now);
    if (!reason) continue;
    const hold = await trainingHoldReason(db, shop, now);
    if (hold) held.push({ shopId: shop.id, reason: hold });
    else due.push(reason);
  }
  return due;
}

type ScheduledShop = {
  id: string;
  timezone: string;
  settings: { trainingSchedule: string; retrainAfterOrders: number } | null;
  activeModelVersion: { trainedAt: Date | null; startedAt: Date } | null;
};

async function whyDue(db: PrismaClient, shop: ScheduledShop, now: Date): Promise<TrainingDue | null> {
  const trainedAt = shop.activeModelVersion?.trainedAt ?? shop.activeModelVersion?.startedAt;
  if (!trainedAt || !shop.settings) return null;
  let lastFire: Date | null = null;
  try {
    lastFire = CronExpressionParser.parse(shop.settings.trainingSchedule, { currentDate: now, tz: shop.timezone || "UTC" })
      .prev()
      .toDate();
  } catch {
    // An unparseable schedule (rejected when saved) falls back to the order count alone.
  }
  if (lastFire && lastFire > trainedAt) return { shopId: shop.id, why: "schedule", detail: `scheduled at ${lastFire.toISOString()}` };
  const newOrders = await db.order.count({ where: { shopId: shop.id, createdAt: { gt: trainedAt } } });
  if (newOrders >= shop.settings.retrainAfterOrders)
    return { shopId: shop.id, why: "orders", detail: `${newOrders} orders since the last training` };
  return null;
}
