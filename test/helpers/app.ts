import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { applyMigrations } from "../../app/db/migrate.server";
import type { RunningServer } from "../../app/http/web-server.server";

export interface TestApp {
  server: RunningServer;
  db: PrismaClient;
  /** Stops the server and the process's queue and database, restores the environment and deletes the data folder. */
  stop(): Promise<void>;
}

/**
 * The app as a test talks to it: the Remix server on a free loopback port over a fresh embedded
 * database in a temporary folder, configured with the given client secret (no Redis; demo mode
 * only when asked, which signs every admin request in as the demo shop).
 */
export async function startTestApp(options: { name: string; secret: string; demo?: boolean }): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `affinity-${options.name}-`));
  const saved = { ...process.env };
  await applyMigrations({ kind: "pglite", dataDir: path.join(dataDir, "pglite") });
  Object.assign(process.env, {
    AFFINITY_DATA_DIR: dataDir,
    NODE_ENV: "test",
    SHOPIFY_API_KEY: `${options.name}-key`,
    SHOPIFY_API_SECRET: options.secret,
    SHOPIFY_APP_URL: "http://127.0.0.1",
    SCOPES: "read_products,read_orders,read_customers",
  });
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  if (options.demo) process.env.AFFINITY_DEMO = "1";
  else delete process.env.AFFINITY_DEMO;
  const { startServer } = await import("../../app/http/web-server.server");
  const server = await startServer({ host: "127.0.0.1", port: 0, dev: true });
  const { processDatabase } = await import("../../app/db.server");
  return {
    server,
    db: processDatabase().prisma,
    async stop() {
      await server.close();
      const { shutdownProcess } = await import("../../app/services/registry.server");
      await shutdownProcess();
      process.env = saved;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
