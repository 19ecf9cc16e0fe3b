import { spawnSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
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

/**
 * What every command runs before it opens the database, so that a fresh data folder works on
 * the first command and nothing meets a table it does not know. The embedded database belongs
 * to this machine: its pending migrations are applied here, as `npm run setup` applies them.
 * PostgreSQL is shared, and migrating it is a deploy step (`npm run setup`, before the new code
 * serves), so other commands only check it and refuse with one line when it is behind.
 */
export async function prepareDatabase(target: DatabaseTarget = databaseTarget()): Promise<string[]> {
  if (target.kind === "pglite") return applyMigrations(target);
  let pending: string[];
  try {
    pending = await pendingPostgresMigrations(target.url);
  } catch (error) {
    throw new DatabaseNotReadyError(`cannot read PostgreSQL's migrations at DATABASE_URL: ${(error as Error).message}`);
  }
  if (pending.length) {
    const names = pending.length > 2 ? `${pending.slice(0, 2).join(", ")} and ${pending.length - 2} more` : pending.join(", ");
    throw new DatabaseNotReadyError(
      `PostgreSQL has ${pending.length} migration${pending.length === 1 ? "" : "s"} not applied (${names}): run \`npm run setup\` first.`,
    );
  }
  return [];
}

/** The database cannot serve this code yet; the message says what to run. */
export class DatabaseNotReadyError extends Error {
  override name = "DatabaseNotReadyError";
}

/** The migration files PostgreSQL has not finished applying (all of them on a database never set up). */
async function pendingPostgresMigrations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ found: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS found`);
    const finished = new Set<string>();
    if (tables[0]?.found) {
      const { rows } = await client.query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      for (const row of rows) finished.add(row.migration_name);
    }
    return migrationFiles()
      .map((migration) => migration.name)
      .filter((name) => !finished.has(name));
  } finally {
    await client.end();
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

/** The bookkeeping table exactly as Prisma Migrate creates it, so `prisma migrate status` reads it too. */
export const MIGRATIONS_TABLE = `
    CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum"            VARCHAR(64) NOT NULL,
      "finished_at"         TIMESTAMPTZ,
      "migration_name"      VARCHAR(255) NOT NULL,
      "logs"                TEXT,
      "rolled_back_at"      TIMESTAMPTZ,
      "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`;

/** Records one applied migration as Prisma Migrate does ($1 id, $2 checksum, $3 name). */
export const RECORD_MIGRATION = `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`;

async function migratePglite(pglite: PGlite): Promise<string[]> {
  await pglite.exec(MIGRATIONS_TABLE);
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
      await tx.query(RECORD_MIGRATION, [randomUUID(), migration.checksum, migration.name]);
    });
    done.push(migration.name);
  }
  return done;
}
