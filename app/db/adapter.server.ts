import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { databaseTarget, type DatabaseTarget } from "./config.server";
import { lockDataDir } from "./lock.server";

export interface OpenedAdapter {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Closes the embedded database and releases its lock; a no-op for PostgreSQL. */
  close: () => Promise<void>;
  target: DatabaseTarget;
}

/** The one place that turns configuration into a Prisma driver adapter (app, CLI and prisma.config.ts). */
export function openAdapter(purpose: string, target: DatabaseTarget = databaseTarget()): OpenedAdapter {
  if (target.kind === "postgres") {
    return { factory: withNameColumnsAsText(new PrismaPg({ connectionString: target.url })), close: async () => {}, target };
  }
  const release = lockDataDir(target.dataDir, purpose);
  const pglite = new PGlite(target.dataDir);
  return {
    factory: new PrismaPGlite(pglite),
    close: async () => {
      await pglite.close();
      release();
    },
    target,
  };
}

const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

interface PgResultLike {
  fields: { dataTypeID: number }[];
}
type PerformIO = (query: unknown) => Promise<PgResultLike>;

/**
 * Prisma's migration engine reads catalog columns of Postgres' `name` type, which
 * @prisma/adapter-pg 6.19 refuses to decode ("Column type 'name' could not be
 * deserialized", prisma/orm#27403). `name` is text of at most 63 bytes, so reporting
 * it as text is exact.
 */
function withNameColumnsAsText(factory: PrismaPg): SqlMigrationAwareDriverAdapterFactory {
  const patch = <T extends object>(queryable: T): T => {
    const target = queryable as T & { performIO?: PerformIO };
    const original = target.performIO?.bind(queryable);
    if (!original) return queryable;
    target.performIO = async (query) => {
      const result = await original(query);
      for (const field of result.fields) if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
      return result;
    };
    return queryable;
  };
  const patchAdapter = <T extends { startTransaction?: (...args: never[]) => Promise<object> }>(adapter: T): T => {
    patch(adapter);
    const start = adapter.startTransaction?.bind(adapter);
    if (start) {
      adapter.startTransaction = (async (...args: never[]) => patch(await start(...args))) as T["startTransaction"];
    }
    return adapter;
  };
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patchAdapter(await connect());
  factory.connectToShadowDb = async () => patchAdapter(await connectToShadowDb());
  return factory;
}
