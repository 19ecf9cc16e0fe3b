import type { JobRun } from "@prisma/client";
import type { z } from "zod";
import type { JobDefinition } from "../jobs/define";

export interface JobQueue {
  readonly kind: "bullmq" | "in-process";
  /** Records a JobRun and queues it; a pending run with the same dedupe key is returned instead. */
  enqueue<S extends z.ZodType>(definition: JobDefinition<S>, payload: z.input<S>): Promise<JobRun>;
  /** Starts consuming jobs of these kinds in this process. */
  startWorkers(definitions: JobDefinition[]): Promise<void>;
  /** Stops taking jobs, lets the ones in hand finish, and disconnects. */
  close(): Promise<void>;
}
