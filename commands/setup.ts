import "dotenv/config";
import { databaseTarget } from "../app/db/config.server";
import { applyMigrations } from "../app/db/migrate.server";

// npm run setup: applies pending migrations to the configured database.
const target = databaseTarget();
const where = target.kind === "postgres" ? "PostgreSQL" : `the embedded database in ${target.dataDir}`;
try {
  const applied = await applyMigrations(target);
  console.log(applied.length ? `Applied ${applied.join(", ")} to ${where}.` : `${where}: no pending migrations.`);
} catch (error) {
  console.error(`npm run setup: ${(error as Error).message}`);
  process.exit(1);
}
