import { backfillJob } from "./backfill";
import type { JobDefinition } from "./define";
import { ingestWebhookJob } from "./ingest-webhook";
import { trainJob } from "./train";

export { backfillJob, ingestWebhookJob, trainJob };

/** Every job this build knows; workers consume all of them. */
export const allJobs = [trainJob, ingestWebhookJob, backfillJob] as unknown as JobDefinition[];
