/** How jobs are retried and how many run at once, for both queue backends. */
export const JOB_SETTINGS = {
  /** Attempts per job, the first included. */
  attempts: 3,
  /** First retry delay; doubles on each further attempt. */
  backoffMs: 5_000,
  /** Jobs of one kind processed at once by one worker process. */
  concurrency: 2,
  /** Finished jobs BullMQ keeps in Redis (the JobRun table keeps the history). */
  keepCompleted: 200,
  keepFailed: 1_000,
  /** A job in hand is locked this long between renewals; a killed worker's job moves on after it. */
  lockDurationMs: 30_000,
  /** An attempt of a job without its own timeoutMs fails after this long. */
  timeoutMs: 30 * 60_000,
  /** Waiting for a job in hand before a worker exits anyway. */
  shutdownGraceMs: 60_000,
} as const;

export const QUEUE_PREFIX = "affinity";
