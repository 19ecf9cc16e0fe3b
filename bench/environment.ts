import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setting } from "../app/config/env.server";

/**
 * The environment a bench's app process runs in: the app's settings for a bench shop's secret,
 * DATABASE_URL when set (already set up: `npm run setup`) or else a fresh embedded database in a
 * temporary folder, migrated.
 * Returns what removes that folder at the end.
 */
export async function prepareBenchEnvironment(options: {
  name: string;
  secret: string;
  production: boolean;
  scopes: string;
}): Promise<() => void> {
  Object.assign(process.env, {
    NODE_ENV: options.production ? "production" : "development",
    SHOPIFY_API_KEY: "bench",
    SHOPIFY_API_SECRET: options.secret,
    SHOPIFY_APP_URL: "http://127.0.0.1",
    SCOPES: options.scopes,
  });
  const dataDir = setting("DATABASE_URL") ? null : fs.mkdtempSync(path.join(os.tmpdir(), `affinity-${options.name}-`));
  if (dataDir) process.env.AFFINITY_DATA_DIR = dataDir;
  const { prepareDatabase } = await import("../app/db/migrate.server");
  await prepareDatabase();
  return () => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
