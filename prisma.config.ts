import "dotenv/config";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { openAdapter } from "./app/db/adapter.server";

// PGlite's Postgres re-arms internal timers every 10 s for as long as it is open, and the
// Prisma CLI never closes its adapter, so `migrate deploy` on the embedded database would
// finish and then never exit. In the CLI process only, timers armed by PGlite are unref'd.
const armTimer = globalThis.setTimeout;
globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
  const timer = armTimer(...args);
  if (new Error().stack?.includes("__setitimer_js")) timer.unref();
  return timer;
}) as typeof setTimeout;

// engine "js" runs migrations through the same driver adapter the app queries with,
// so neither PGlite nor PostgreSQL needs a downloaded schema-engine binary.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    return openAdapter("prisma CLI").factory;
  },
});
