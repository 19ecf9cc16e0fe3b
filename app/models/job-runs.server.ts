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

export async function startJobRun(db: PrismaClient, id: string): Promise<JobRun> {
  return db.jobRun.update({
    where: { id },
    data: { status: "RUNNING", startedAt: new Date(), attempts: { increment: 1 }, error: null },
  });
}

export async function reportJobProgress(db: PrismaClient, id: string, progress: number, message?: string) {
  await db.jobRun.update({
    where: { id },
    data: { progress: Math.min(1, Math.max(0, progress)), ...(message === undefined ? {} : { message }) },
  });
}

export async function saveJobCheckpoint(db: PrismaClient, id: string, checkpoint: Prisma.InputJsonValue) {
  await db.jobRun.update({ where: { id }, data: { checkpoint } });
}

export async function finishJobRun(db: PrismaClient, id: string, result: Prisma.InputJsonValue | undefined) {
  await db.jobRun.update({
    where: { id },
    data: { status: "SUCCEEDED", progress: 1, finishedAt: new Date(), result: result ?? undefined },
  });
}

/** Records a failure; a run that will be retried goes back to QUEUED and keeps its checkpoint. */
export async function failJobRun(db: PrismaClient, id: string, error: unknown, willRetry: boolean) {
  const message = error instanceof Error ? error.message : String(error);
  await db.jobRun.update({
    where: { id },
    data: willRetry
      ? { status: "QUEUED", error: message }
      : { status: "FAILED", error: message, finishedAt: new Date() },
  });
}

export async function listJobRuns(db: PrismaClient, shopId: string, take = 10): Promise<JobRun[]> {
  return db.jobRun.findMany({ where: { shopId }, orderBy: { createdAt: "desc" }, take });
}
