import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

/** One SQL statement with positional parameters (`$1`, `$2`…), sent straight to the driver. */
export interface SqlRunner {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
}

/**
 * The database without Prisma, for bulk writes only: Prisma turns every parameter of a raw
 * statement into JSON and back through its query compiler, which for arrays of thousands of
 * values costs more CPU than PostgreSQL spends inserting them (see the README's import figures).
 */
export interface RawDatabase {
  kind: "postgres" | "pglite";
  /** Runs `work` in one transaction on one connection: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
}

export function rawPostgres(pool: pg.Pool): RawDatabase {
  return {
    kind: "postgres",
    async transaction(work) {
      const client = await pool.connect();
      // A connection the server drops while it is checked out (a restart, an administrator's
      // kill) reports it as an 'error' event, which unheard would end the process; the statement
      // in flight, or the next one, fails with it instead, and the transaction with it.
      const dropped = () => {};
      client.on("error", dropped);
      const sql: SqlRunner = {
        query: async (text, params) => {
          const result = await client.query(text, params);
          return { rows: result.rows, rowCount: result.rowCount ?? 0 };
        },
      };
      try {
        await client.query("BEGIN");
        const result = await work(sql);
        await client.query("COMMIT");
        client.off("error", dropped);
        client.release();
        return result;
      } catch (error) {
        // A connection that cannot even roll back is closed rather than reused.
        const rollback = await client.query("ROLLBACK").then(
          () => undefined,
          (failure: Error) => failure,
        );
        client.off("error", dropped);
        client.release(rollback);
        throw error;
      }
    },
  };
}

export function rawPglite(pglite: PGlite): RawDatabase {
  return {
    kind: "pglite",
    transaction: (work) =>
      pglite.transaction((tx) =>
        work({
          query: async (text, params) => {
            const result = await tx.query<never>(text, params);
            return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
          },
        }),
      ),
  };
}
