import type { z } from "zod";
import type { JobDefinition } from "./definitions/define";
import { processJobQueue } from "./runtime";

/** Queues a job from a route. The JobRun row is written first, so nothing is lost if the queue is down. */
export async function enqueueJob<S extends z.ZodType>(definition: JobDefinition<S>, payload: z.input<S>) {
  return processJobQueue().enqueue(definition, payload);
}

/** Queues an unrecorded job (its subject keeps its own state); a job with the same id is queued once. */
export async function pushJob<S extends z.ZodType>(definition: JobDefinition<S>, payload: z.input<S>, jobId: string) {
  return processJobQueue().push(definition, payload, { jobId });
}
