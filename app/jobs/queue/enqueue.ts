import type { JobRun, PrismaClient } from "@prisma/client";
import { createJobRun, findPendingJobRun } from "../../models/job-runs.server";
import type { JobDefinition } from "../definitions/define";
import { parsePayload } from "./run-job";

/**
 * The queue-independent half of enqueueing: validate, deduplicate, record the run.
 * Returns the run and whether it is new (and so still has to be pushed to a queue).
 */
export async function recordJobRun(
  db: PrismaClient,
  definition: JobDefinition,
  payload: unknown,
): Promise<{ run: JobRun; created: boolean }> {
  const data = parsePayload(definition, payload);
  const dedupeKey = definition.dedupeKey?.(data) ?? null;
  if (dedupeKey) {
    const pending = await findPendingJobRun(db, dedupeKey);
    if (pending) return { run: pending, created: false };
  }
  const run = await createJobRun(db, {
    name: definition.name,
    payload: data as object,
    shopId: definition.shopId?.(data) ?? null,
    dedupeKey,
  });
  return { run, created: true };
}
