import type { PrismaClient } from "@prisma/client";
import {
  failJobRun,
  finishJobRun,
  JobCancelledError,
  reportJobProgress,
  saveJobCheckpoint,
  startJobRun,
} from "../../models/job-runs.server";
import type { JobDefinition } from "../definitions/define";
import { JOB_SETTINGS } from "./settings";
import type { JobQueue } from "./types";

class InvalidPayloadError extends Error {}

/** Parses a payload against the job's schema, with a message that names the bad fields. */
export function parsePayload<D extends JobDefinition>(definition: D, payload: unknown) {
  const parsed = definition.schema.safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(payload)"}: ${issue.message}`);
    throw new InvalidPayloadError(`Invalid payload for job "${definition.name}": ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** The queue that runs a job, for the jobs it queues in turn. */
type Enqueuer = Pick<JobQueue, "enqueue">;

/**
 * Runs one attempt of a recorded job and keeps its JobRun row true. Throws when the attempt
 * failed, so that the queue can retry; `willRetry` says whether another attempt follows.
 */
export async function runJobAttempt(
  db: PrismaClient,
  queue: Enqueuer,
  definition: JobDefinition,
  runId: string | null,
  payload: unknown,
  willRetryOnFailure: boolean,
  attempt = 1,
): Promise<unknown> {
  if (runId === null) return runUnrecordedAttempt(db, queue, definition, payload, attempt);
  const run = await startJobRun(db, runId);
  if (!run) return { cancelled: true };
  try {
    const data = parsePayload(definition, payload);
    const result = await withTimeout(
      definition,
      definition.handler(data, {
        db,
        enqueue: (next, nextPayload) => queue.enqueue(next, nextPayload),
        runId,
        attempt: run.attempts,
        savedCheckpoint: run.checkpoint,
        progress: (fraction, message) => reportJobProgress(db, runId, fraction, message),
        checkpoint: (value) => saveJobCheckpoint(db, runId, value),
      }),
    );
    await finishJobRun(db, runId, result ?? undefined);
    return result;
  } catch (error) {
    if (error instanceof JobCancelledError) return { cancelled: true };
    const retry = willRetryOnFailure && !(error instanceof InvalidPayloadError);
    await failJobRun(db, runId, error, retry);
    throw error;
  }
}

/** A job that keeps its own record (see JobDefinition.recorded): no JobRun row is written. */
async function runUnrecordedAttempt(db: PrismaClient, queue: Enqueuer, definition: JobDefinition, payload: unknown, attempt: number) {
  const data = parsePayload(definition, payload);
  return withTimeout(
    definition,
    definition.handler(data, {
      db,
      enqueue: (next, nextPayload) => queue.enqueue(next, nextPayload),
      runId: "",
      attempt,
      savedCheckpoint: null,
      progress: async () => {},
      checkpoint: async () => {},
    }),
  );
}

/**
 * An attempt that runs past its job's timeout fails, so that the queue retries it (or records
 * the failure) instead of holding a worker slot forever. The work itself cannot be interrupted;
 * it is abandoned, and its late writes are those of a failed attempt.
 */
function withTimeout<T>(definition: JobDefinition, work: Promise<T>): Promise<T> {
  const timeoutMs = definition.timeoutMs ?? JOB_SETTINGS.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${definition.name} did not finish within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`,
          ),
        ),
      timeoutMs,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
