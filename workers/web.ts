import "dotenv/config";
import { startServer, type RunningServer, type ServerOptions } from "../server";
import { allJobs, onTerminate, processJobQueue, shutdownProcess } from "./runtime";

/**
 * The web process: the Remix app, plus the job handlers when there is no Redis (the embedded
 * database serves one process, so web and worker share it).
 */
export async function startWebProcess(options: ServerOptions): Promise<RunningServer> {
  const queue = processJobQueue();
  if (queue.kind === "in-process") await queue.startWorkers(allJobs);
  const server = await startServer(options);
  console.log(`[affinity] serving ${server.url} (${options.dev ? "development" : "production"}, jobs ${queue.kind})`);
  onTerminate(async () => {
    await server.close();
    await shutdownProcess();
  });
  return server;
}
