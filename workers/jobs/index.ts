import type { JobDefinition } from "./define";
import { trainJob } from "./train";

export { trainJob };

/** Every job this build knows; workers consume all of them. */
export const allJobs: JobDefinition[] = [trainJob as unknown as JobDefinition];
