import { processDatabase } from "../db.server";
import { allJobs, repeatingJobs } from "./definitions";
import { createJobQueue, type JobQueue } from "./queue";

declare global {
  var affinityJobQueue: JobQueue | undefined;
}

/** The process's job queue (BullMQ or in-process), shared by the web app and the CLIs. */
export function processJobQueue(): JobQueue {
  globalThis.affinityJobQueue ??= createJobQueue(processDatabase().prisma);
  return globalThis.affinityJobQueue;
}

/** Closes the queue (letting jobs in hand finish) and then the database, once. */
export async function shutdownProcess() {
  const queue = globalThis.affinityJobQueue;
  globalThis.affinityJobQueue = undefined;
  await queue?.close();
  const db = globalThis.affinityDatabase;
  globalThis.affinityDatabase = undefined;
  await db?.close();
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
