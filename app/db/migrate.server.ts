import { spawnSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { databaseTarget, type DatabaseTarget } from "./config.server";
import { lockDataDir } from "./lock.server";

const MIGRATIONS_DIR = path.resolve("prisma", "migrations");

/**
 * Applies pending migrations: `prisma migrate deploy` on PostgreSQL; on the embedded database,
 * the same migration files and the same `_prisma_migrations` bookkeeping in-process, because
 * the Prisma CLI never exits while a PGlite database is open (PGlite's Postgres keeps re-arming
 * a timer) and has no way to close it. Returns the names of the migrations it applied.
 */
export async function applyMigrations(target: DatabaseTarget = databaseTarget()): Promise<string[]> {
  if (target.kind === "postgres") return migrateWithPrismaCli(target);
  const release = lockDataDir(target.dataDir, "migrations");
  const pglite = new PGlite(target.dataDir);
  try {
    return await migratePglite(pglite);
  } finally {
    await pglite.close();
    release();
  }
}

function migrateWithPrismaCli(target: DatabaseTarget & { kind: "postgres" }): string[] {
  const cli = path.resolve("node_modules/prisma/build/index.js");
  const result = spawnSync(process.execPath, [cli, "migrate", "deploy"], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: target.url },
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error(`prisma migrate deploy failed:\n${result.stdout}\n${result.stderr}`);
  return [...result.stdout.matchAll(/└─ (\S+)\//g)].map((match) => match[1]);
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function migrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

async function migratePglite(pglite: PGlite): Promise<string[]> {
  // The table exactly as Prisma Migrate creates it, so `prisma migrate status` reads it too.
  await pglite.exec(`
    CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum"            VARCHAR(64) NOT NULL,
      "finished_at"         TIMESTAMPTZ,
      "migration_name"      VARCHAR(255) NOT NULL,
      "logs"                TEXT,
      "rolled_back_at"      TIMESTAMPTZ,
      "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
  const { rows } = await pglite.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
    `SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`,
  );
  const failed = rows.find((row) => !row.finished_at && !row.rolled_back_at);
  if (failed) {
    throw new Error(
      `Migration ${failed.migration_name} failed earlier and was not rolled back; fix the database, then ` +
        `mark it with \`prisma migrate resolve --rolled-back ${failed.migration_name}\`.`,
    );
  }
  const applied = new Set(rows.filter((row) => row.finished_at).map((row) => row.migration_name));
  const done: string[] = [];
  for (const migration of migrationFiles()) {
    if (applied.has(migration.name)) continue;
    await pglite.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
    });
    done.push(migration.name);
  }
  return done;
}
