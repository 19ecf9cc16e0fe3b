import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { DatabaseTarget } from "../../app/db/config.server";
import { applyMigrations } from "../../app/db/migrate.server";
import { connectDatabase, type Database } from "../../app/db.server";
import { POSTGRES_ADMIN_URL } from "./services";

export interface TestDatabase extends Database {
  target: DatabaseTarget;
  /** Closes the client and deletes the database (or the PGlite folder). */
  destroy: () => Promise<void>;
}

/** Applies the migrations exactly as `npm run setup` does. */
export async function migrate(target: DatabaseTarget): Promise<string[]> {
  return applyMigrations(target);
}

/** A fresh, empty PostgreSQL database on the test server, dropped on destroy. */
async function createPostgresTarget(): Promise<{ target: DatabaseTarget; drop: () => Promise<void> }> {
  const name = `affinity_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    target: { kind: "postgres", url: url.toString() },
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A fresh PGlite folder in the system temp directory, removed on destroy. */
function createPgliteTarget(): { target: DatabaseTarget; drop: () => Promise<void> } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-test-"));
  return {
    target: { kind: "pglite", dataDir: path.join(root, "pglite") },
    drop: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** A migrated database of the given kind with a connected client. */
export async function createTestDatabase(kind: DatabaseTarget["kind"]): Promise<TestDatabase> {
  const { target, drop } = kind === "postgres" ? await createPostgresTarget() : createPgliteTarget();
  await migrate(target);
  const db = connectDatabase(`test ${kind}`, target);
  return {
    ...db,
    target,
    destroy: async () => {
      await db.close();
      await drop();
    },
  };
}
