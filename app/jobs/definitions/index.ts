import { backfillJob } from "./backfill";
import type { JobDefinition } from "./define";
import { ingestWebhookJob } from "./ingest-webhook";
import { RETENTION_EVERY_MS, retentionJob } from "./retention";
import { scheduleTrainingJob, TRAINING_CHECK_EVERY_MS } from "./schedule-training";
import { trainJob } from "./train";

export { backfillJob, ingestWebhookJob, retentionJob, scheduleTrainingJob, trainJob };

/** Every job this build knows; workers consume all of them. */
export const allJobs = [trainJob, ingestWebhookJob, backfillJob, scheduleTrainingJob, retentionJob] as unknown as JobDefinition[];

/** Jobs that repeat on their own, and how often. */
export const repeatingJobs = [
  { definition: scheduleTrainingJob as unknown as JobDefinition, everyMs: TRAINING_CHECK_EVERY_MS },
  { definition: retentionJob as unknown as JobDefinition, everyMs: RETENTION_EVERY_MS },
];
