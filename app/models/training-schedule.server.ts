import type { PrismaClient } from "@prisma/client";
import { CronExpressionParser } from "cron-parser";

export type TrainingDue = { shopId: string; why: "schedule" | "orders"; detail: string };

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
 * which queues its first training when the history is in.
 */
export async function shopsDueForTraining(db: PrismaClient, now = new Date()): Promise<TrainingDue[]> {
  const shops = await db.shop.findMany({
    where: { uninstalledAt: null, activeModelVersionId: { not: null } },
    select: { id: true, timezone: true, settings: true, activeModelVersion: { select: { trainedAt: true, startedAt: true } } },
  });
  const due: TrainingDue[] = [];
  for (const shop of shops) {
    const trainedAt = shop.activeModelVersion?.trainedAt ?? shop.activeModelVersion?.startedAt;
    if (!trainedAt || !shop.settings) continue;
    let lastFire: Date | null = null;
    try {
      lastFire = CronExpressionParser.parse(shop.settings.trainingSchedule, { currentDate: now, tz: shop.timezone || "UTC" }).prev().toDate();
    } catch {
      // An unparseable schedule (rejected when saved) falls back to the order count alone.
    }
    if (lastFire && lastFire > trainedAt) {
      due.push({ shopId: shop.id, why: "schedule", detail: `scheduled at ${lastFire.toISOString()}` });
      continue;
    }
    const newOrders = await db.order.count({ where: { shopId: shop.id, createdAt: { gt: trainedAt } } });
    if (newOrders >= shop.settings.retrainAfterOrders) due.push({ shopId: shop.id, why: "orders", detail: `${newOrders} orders since the last training` });
  }
  return due;
}
