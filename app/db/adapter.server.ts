import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { DriverAdapterError, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { databaseTarget, type DatabaseTarget } from "./config.server";
import { lockDataDir } from "./lock.server";
import { rawPglite, rawPostgres, type RawDatabase } from "./raw.server";

export interface OpenedAdapter {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Closes the embedded database and releases its lock; a no-op for PostgreSQL. */
  close: () => Promise<void>;
  target: DatabaseTarget;
  /** The same database through its driver, for bulk writes (one pool or PGlite instance with Prisma's). */
  raw: RawDatabase;
}

const POSTGRES_CONNECT_TIMEOUT_MS = 15_000;

/** The one place that turns configuration into a Prisma driver adapter (app, CLI and prisma.config.ts). */
export function openAdapter(purpose: string, target: DatabaseTarget = databaseTarget()): OpenedAdapter {
  if (target.kind === "postgres") {
    // Without a connect timeout a request waits forever for a server that stopped answering
    // (a dropped network path, not a refused port) or for a free client of a pool in use.
    const pool = new pg.Pool({ connectionString: target.url, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS });
    const factory = patchQueries(new PrismaPg(pool, { disposeExternalPool: true }), reportNameColumnsAsText);
    const close = async () => {
      if (!pool.ended) await pool.end();
    };
    return { factory, close, target, raw: rawPostgres(pool) };
  }
  const release = lockDataDir(target.dataDir, purpose);
  const pglite = new PGlite(target.dataDir);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= pglite.close().finally(release);
    return closing;
  };
  // The adapter was built against driver-adapter-utils 6.10; the interface it implements is
  // unchanged in 6.19 apart from type declarations, which the database tests cover at run time.
  const factory = patchQueries(new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory, alignPgliteWithPg);
  // PGlite's timers keep a process alive until it is closed, and the adapter's own dispose
  // leaves it open; closing it when Prisma disposes the adapter lets the CLI exit.
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await close();
    };
    return adapter;
  };
  return { factory, close, target, raw: rawPglite(pglite) };
}

interface Query {
  args: unknown[];
  argTypes?: ({ scalarType?: string; arity?: string } | undefined)[];
}
interface Result {
  fields: { dataTypeID: number }[];
}
type PerformIO = (query: Query) => Promise<Result>;

/**
 * Both adapters send every statement through one `performIO(query)` method on each
 * connection and transaction; wrapping it is the narrowest place to fix their gaps.
 */
function patchQueries<F extends SqlMigrationAwareDriverAdapterFactory>(factory: F, wrap: (performIO: PerformIO) => PerformIO): F {
  const patch = <T extends object>(queryable: T): T => {
    const target = queryable as T & { performIO?: PerformIO };
    if (target.performIO) target.performIO = wrap(target.performIO.bind(queryable));
    return queryable;
  };
  const patchAdapter = <T extends { startTransaction?: (...args: never[]) => Promise<object> }>(adapter: T): T => {
    patch(adapter);
    const start = adapter.startTransaction?.bind(adapter);
    if (start) adapter.startTransaction = (async (...args: never[]) => patch(await start(...args))) as T["startTransaction"];
    return adapter;
  };
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patchAdapter(await connect());
  factory.connectToShadowDb = async () => patchAdapter(await connectToShadowDb());
  return factory;
}

const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

/**
 * Prisma's migration engine reads catalog columns of Postgres' `name` type, which
 * @prisma/adapter-pg 6.19 refuses to decode ("Column type 'name' could not be
 * deserialized", prisma/orm#27403). `name` is text of at most 63 bytes, so text is exact.
 */
function reportNameColumnsAsText(performIO: PerformIO): PerformIO {
  return async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
    return result;
  };
}

/**
 * pglite-prisma-adapter 0.6 passes `Bytes` values on as Prisma encodes them (base64 text),
 * which PGlite rejects, and reports every database error as a generic one, so a unique
 * violation never becomes P2002. Both are fixed here the way @prisma/adapter-pg does it.
 */
function alignPgliteWithPg(performIO: PerformIO): PerformIO {
  return async (query) => {
    query.args = query.args.map((arg, index) => {
      if (query.argTypes?.[index]?.scalarType !== "bytes" || arg === null) return arg;
      if (typeof arg === "string") return Buffer.from(arg, "base64");
      if (Array.isArray(arg) && query.argTypes[index]?.arity !== "list") return Buffer.from(arg as number[]);
      return arg;
    });
    try {
      return await performIO(query);
    } catch (error) {
      throw toPrismaError(error);
    }
  };
}

interface PgliteCause {
  kind: "postgres";
  code: string;
  message: string;
  detail?: string;
  column?: string;
}

function toPrismaError(error: unknown): unknown {
  // The adapter bundles its own copy of DriverAdapterError, so match it by shape, not class.
  const cause = (error as { name?: string; cause?: PgliteCause } | null)?.cause;
  if ((error as Error | null)?.name !== "DriverAdapterError" || cause?.kind !== "postgres") return error;
  const { code, message, detail, column } = cause;
  const fields = detail
    ?.match(/Key \(([^)]+)\)/)
    ?.at(1)
    ?.split(", ");
  const constraint = fields ? { fields } : undefined;
  const original = { originalCode: code, originalMessage: message };
  switch (code) {
    case "23505":
      return new DriverAdapterError({ kind: "UniqueConstraintViolation", constraint, ...original });
    case "23502":
      return new DriverAdapterError({ kind: "NullConstraintViolation", constraint, ...original });
    case "23503":
      return new DriverAdapterError({
        kind: "ForeignKeyConstraintViolation",
        constraint: column ? { fields: [column] } : undefined,
        ...original,
      });
    case "40001":
      return new DriverAdapterError({ kind: "TransactionWriteConflict", ...original });
    default:
      return error;
  }
}
