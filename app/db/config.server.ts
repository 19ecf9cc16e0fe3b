import path from "node:path";

/** Where the data lives: an embedded PGlite folder, or a PostgreSQL server. */
export type DatabaseTarget =
  | { kind: "pglite"; dataDir: string }
  | { kind: "postgres"; url: string };

/**
 * DATABASE_URL unset (or empty): embedded PGlite in AFFINITY_DATA_DIR (default ./data).
 * DATABASE_URL=postgres://… or postgresql://…: a PostgreSQL server.
 * Anything else is a configuration error that names the variable.
 */
export function databaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (!url) {
    const dataDir = path.resolve(env.AFFINITY_DATA_DIR?.trim() || "data");
    return { kind: "pglite", dataDir: path.join(dataDir, "pglite") };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  throw new Error(
    `DATABASE_URL must start with postgres:// or postgresql:// (got "${url.slice(0, 24)}…"); ` +
      "leave it unset to use the embedded database in AFFINITY_DATA_DIR.",
  );
}
