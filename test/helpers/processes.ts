import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { PrismaClient } from "@prisma/client";
import type { RunningServer } from "../../app/http/web-server.server";

export interface AppOnServices {
  server: RunningServer;
  db: PrismaClient;
  /** Stops the server, the process's queue, caches' Redis connections and database, and restores the environment. */
  stop(): Promise<void>;
}

/**
 * The web process as production runs it beside workers: the Remix server on a free loopback port
 * over a PostgreSQL database (already migrated), with jobs on BullMQ when `redisUrl` is given
 * (ingestion then waits for a worker process) and in-process otherwise.
 */
export async function startAppOnServices(options: {
  name: string;
  secret: string;
  databaseUrl: string;
  redisUrl?: string;
}): Promise<AppOnServices> {
  const saved = { ...process.env };
  Object.assign(process.env, {
    DATABASE_URL: options.databaseUrl,
    NODE_ENV: "test",
    SHOPIFY_API_KEY: `${options.name}-key`,
    SHOPIFY_API_SECRET: options.secret,
    SHOPIFY_APP_URL: "http://127.0.0.1",
    SCOPES: "read_products,read_orders,read_customers",
  });
  if (options.redisUrl) process.env.REDIS_URL = options.redisUrl;
  else delete process.env.REDIS_URL;
  delete process.env.AFFINITY_DEMO;
  const { startServer } = await import("../../app/http/web-server.server");
  const server = await startServer({ host: "127.0.0.1", port: 0, dev: true });
  const { processDatabase } = await import("../../app/db.server");
  return {
    server,
    db: processDatabase().prisma,
    async stop() {
      await server.close();
      globalThis.affinityWebhookInbox = undefined;
      // The queue, the recommendation cache, the invalidation bus, the rate limiters and the database.
      const { shutdownProcess } = await import("../../app/services/registry.server");
      await shutdownProcess();
      process.env = saved;
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  log(): string;
  /** SIGKILL: the process dies in the middle of whatever it was doing. */
  kill(): Promise<void>;
  /** SIGTERM, and the exit code once it has finished the work in hand. */
  stop(): Promise<number | null>;
}

const workers = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of workers) child.kill("SIGKILL");
});

/** `npm run worker` (workers/main.ts) as a child process, once it consumes jobs. */
export async function startWorkerProcess(env: {
  DATABASE_URL: string;
  REDIS_URL: string;
  AFFINITY_JOB_LOCK_MS?: string;
}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    env: { ...process.env, NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  workers.add(child);
  child.once("exit", () => workers.delete(child));
  let log = "";
  child.stdout!.on("data", (chunk) => (log += chunk));
  child.stderr!.on("data", (chunk) => (log += chunk));
  const exited = once(child, "exit");
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start within 60 s:\n${log}`)), 60_000);
    const check = () => {
      if (log.includes("worker consuming")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the worker exited before it started:\n${log}`));
    });
  });
  const waitForExit = async () => {
    if (child.exitCode === null && child.signalCode === null) await exited;
    return child.exitCode;
  };
  return {
    child,
    log: () => log,
    async kill() {
      child.kill("SIGKILL");
      await waitForExit();
    },
    async stop() {
      child.kill("SIGTERM");
      return waitForExit();
    },
  };
}
