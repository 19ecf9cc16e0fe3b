import type { JobDefinition } from "./define";
import { ingestWebhookJob } from "./ingest-webhook";
import { trainJob } from "./train";

export { ingestWebhookJob, trainJob };

/** Every job this build knows; workers consume all of them. */
export const allJobs = [trainJob, ingestWebhookJob] as unknown as JobDefinition[];
