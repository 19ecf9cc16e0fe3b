import path from "node:path";
import { setting } from "../config/env.server";

/** Where the data lives: an embedded PGlite folder, or a PostgreSQL server. */
export type DatabaseTarget = { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string };

/**
 * DATABASE_URL unset (or empty): embedded PGlite in AFFINITY_DATA_DIR (default ./data).
 * DATABASE_URL=postgres://… or postgresql://…: a PostgreSQL server.
 * Anything else is a configuration error that names the variable.
 */
export function databaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = setting("DATABASE_URL", env);
  if (url) return { kind: "postgres", url };
  const dataDir = path.resolve(setting("AFFINITY_DATA_DIR", env) || "data");
  return { kind: "pglite", dataDir: path.join(dataDir, "pglite") };
}
