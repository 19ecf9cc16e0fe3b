import "dotenv/config";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { openAdapter } from "./app/db/adapter.server";

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
