import type { JobRun, Prisma, PrismaClient } from "@prisma/client";

export interface NewJobRun {
  name: string;
  payload: Prisma.InputJsonValue;
  shopId?: string | null;
  dedupeKey?: string | null;
}

export async function createJobRun(db: PrismaClient, run: NewJobRun): Promise<JobRun> {
  return db.jobRun.create({
    data: { name: run.name, payload: run.payload, shopId: run.shopId ?? null, dedupeKey: run.dedupeKey ?? null },
  });
}

/** A queued or running run with this key, so the same work is not queued twice. */
export async function findPendingJobRun(db: PrismaClient, dedupeKey: string): Promise<JobRun | null> {
  return db.jobRun.findFirst({
    where: { dedupeKey, status: { in: ["QUEUED", "RUNNING"] } },
    orderBy: { createdAt: "desc" },
  });
}

/** Thrown into a job that was cancelled (its shop uninstalled the app) at its next report. */
export class JobCancelledError extends Error {}

/** Marks the run started; null when it was cancelled while it waited. */
export async function startJobRun(db: PrismaClient, id: string): Promise<JobRun | null> {
  const started = await db.jobRun.updateMany({
    where: { id, status: { not: "CANCELLED" } },
    data: { status: "RUNNING", startedAt: new Date(), attempts: { increment: 1 }, error: null },
  });
  return started.count ? db.jobRun.findUniqueOrThrow({ where: { id } }) : null;
}

async function updateUnlessCancelled(db: PrismaClient, id: string, data: Prisma.JobRunUpdateManyMutationInput) {
  const updated = await db.jobRun.updateMany({ where: { id, status: { not: "CANCELLED" } }, data });
  if (updated.count === 0) throw new JobCancelledError(`job run ${id} was cancelled`);
}

export async function reportJobProgress(db: PrismaClient, id: string, progress: number, message?: string) {
  await updateUnlessCancelled(db, id, { progress: Math.min(1, Math.max(0, progress)), ...(message === undefined ? {} : { message }) });
}

export async function saveJobCheckpoint(db: PrismaClient, id: string, checkpoint: Prisma.InputJsonValue) {
  await updateUnlessCancelled(db, id, { checkpoint });
}

/** Cancels a shop's queued and running jobs (app/uninstalled); running ones stop at their next report. */
export async function cancelShopJobRuns(db: PrismaClient, shopId: string): Promise<number> {
  const cancelled = await db.jobRun.updateMany({
    where: { shopId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "CANCELLED", finishedAt: new Date(), error: "cancelled: the app was uninstalled" },
  });
  return cancelled.count;
}

export async function finishJobRun(db: PrismaClient, id: string, result: Prisma.InputJsonValue | undefined) {
  await db.jobRun.updateMany({
    where: { id, status: { not: "CANCELLED" } },
    data: { status: "SUCCEEDED", progress: 1, finishedAt: new Date(), result: result ?? undefined },
  });
}

/** Records a failure; a run that will be retried goes back to QUEUED and keeps its checkpoint. */
export async function failJobRun(db: PrismaClient, id: string, error: unknown, willRetry: boolean) {
  const message = error instanceof Error ? error.message : String(error);
  await db.jobRun.updateMany({
    where: { id, status: { not: "CANCELLED" } },
    data: willRetry ? { status: "QUEUED", error: message } : { status: "FAILED", error: message, finishedAt: new Date() },
  });
}

export async function listJobRuns(db: PrismaClient, shopId: string, take = 10): Promise<JobRun[]> {
  return db.jobRun.findMany({ where: { shopId }, orderBy: { createdAt: "desc" }, take });
}
