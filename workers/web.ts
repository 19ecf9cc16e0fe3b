import "dotenv/config";
import { startServer, type RunningServer, type ServerOptions } from "../app/http/web-server.server";
import { requireSecrets } from "../app/config/required-secrets.server";
import { processDatabase } from "../app/db.server";
import { allJobs, onTerminate, processJobQueue, repeatingJobs } from "../app/jobs/runtime";
import { shutdownProcess } from "../app/services/registry.server";
import { SWEEP_EVERY_MS, sweepUnprocessedWebhooks } from "../app/jobs/sweeper";

/**
 * The web process as the demo and the benchmarks start it: checks the settings, then serves
 * (`serveWebProcess`). server.ts checks them itself, before it migrates, and calls
 * `serveWebProcess`, so each path checks them once.
 */
export async function startWebProcess(options: ServerOptions): Promise<RunningServer> {
  // Before anything opens the database or loads the build, so that nothing starts half-configured.
  requireSecrets("The web process (npm start)");
  return serveWebProcess(options);
}

/**
 * The web process once its settings have been checked: the Remix app, plus the job handlers
 * when there is no Redis (the embedded database serves one process, so web and worker share it).
 */
export async function serveWebProcess(options: ServerOptions): Promise<RunningServer> {
  const queue = processJobQueue();
  if (queue.kind === "in-process") {
    await queue.startWorkers(allJobs);
    for (const { definition, everyMs } of repeatingJobs) await queue.repeat(definition, everyMs);
  }
  const server = await startServer(options);
  const { prisma } = processDatabase();
  const sweep = () =>
    sweepUnprocessedWebhooks(prisma, queue).then(
      (count) => count && console.log(`[affinity] queued ${count} stored webhook deliveries that were never processed`),
      (error: Error) => console.error(`[affinity] webhook sweep failed: ${error.message}`),
    );
  void sweep();
  const sweeper = setInterval(sweep, SWEEP_EVERY_MS);
  sweeper.unref();
  console.log(`[affinity] serving ${server.url} (${options.dev ? "development" : "production"}, jobs ${queue.kind})`);
  onTerminate(async () => {
    clearInterval(sweeper);
    await server.close();
    await shutdownProcess();
  });
  return server;
}
