import { processDatabase } from "../db.server";
import { processService } from "../services/registry.server";
import { allJobs, repeatingJobs } from "./definitions";
import { createJobQueue, type JobQueue } from "./queue";

/** The process's job queue (BullMQ or in-process), shared by the web app and the CLIs. */
export function processJobQueue(): JobQueue {
  return processService("job-queue", () => createJobQueue(processDatabase().prisma));
}

export function onTerminate(stop: () => Promise<void>) {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`[affinity] ${signal}: finishing the work in hand, then exiting`);
      stop().then(
        () => process.exit(0),
        (error) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }
}

export { allJobs, repeatingJobs };
