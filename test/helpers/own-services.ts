import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { Redis } from "ioredis";
import pg from "pg";
import { openAdapter } from "../../app/db/adapter.server";
import type { RawDatabase } from "../../app/db/raw.server";
import { MIGRATIONS_TABLE, migrationFiles, RECORD_MIGRATION } from "../../app/db/migrate.server";

/**
 * A Redis server and a PostgreSQL cluster of a test's own, on spare loopback ports, for tests
 * that stop, kill or restart them: the machine's shared services (services.ts) must never be
 * touched. Debian's binaries (`apt-get install -y redis-server postgresql`; TEST_REDIS_SERVER and
 * TEST_POSTGRES_BIN name others); `.ci/run` installs them when they are missing.
 */
const REDIS_SERVER = process.env.TEST_REDIS_SERVER ?? "/usr/bin/redis-server";
const POSTGRES_BIN = process.env.TEST_POSTGRES_BIN ?? newestDebianPostgres() ?? "/usr/lib/postgresql/15/bin";

/** Debian installs each major version beside the others, in /usr/lib/postgresql/<major>/bin. */
function newestDebianPostgres(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return undefined;
  const majors = fs.readdirSync(root).filter((major) => fs.existsSync(path.join(root, major, "bin", "initdb")));
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  return newest && path.join(root, newest, "bin");
}

/**
 * Whether the fault tests can run. Under CI missing binaries fail the run instead of skipping
 * the tests; on a machine without them, they are skipped with a note.
 */
export function ownServicesAvailable(): boolean {
  const missing = [REDIS_SERVER, path.join(POSTGRES_BIN, "initdb"), path.join(POSTGRES_BIN, "pg_ctl")].filter(
    (file) => !fs.existsSync(file),
  );
  if (!missing.length) return true;
  const message = `${missing.join(", ")} not found (apt-get install -y redis-server postgresql)`;
  if (process.env.CI) throw new Error(`${message}; CI requires them for the fault tests.`);
  console.warn(`${message}: skipping the fault tests (set CI=true to make this a failure).`);
  return false;
}

/** A loopback port nobody listens on right now. */
async function sparePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitUntil(what: string, ready: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => (socket.destroy(), resolve(false)));
  });
}

/** Services still running, stopped on the way out even when a test fails or the process exits early. */
const live = new Set<{ kill: () => void }>();
process.once("exit", () => {
  for (const service of live) service.kill();
});

/**
 * Stops the service and deletes its folder if this process dies without doing so (SIGKILL
 * included): a shell that waits for this process to go away.
 */
function watchdog(cleanup: string): ChildProcess {
  const child = spawn("sh", ["-c", `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${cleanup}`], {
    detached: true,
    stdio: "ignore",
  });
  child.unref();
  return child;
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export interface OwnRedis {
  url: string;
  port: number;
  readonly running: boolean;
  /** Shuts the server down (SIGTERM: it writes its append-only file and exits). */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same data. */
  start(): Promise<void>;
  /** Stops it and deletes its folder. */
  destroy(): Promise<void>;
  /** The connections the server has open (`CLIENT LIST`), but for the one asking. */
  clients(): Promise<RedisClientEntry[]>;
}

/** One line of `CLIENT LIST`: its fields by name (id, addr, name, flags, cmd, …). */
export type RedisClientEntry = Record<string, string>;

async function listClients(url: string): Promise<RedisClientEntry[]> {
  const asking = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const [ownId, list] = await Promise.all([asking.client("ID"), asking.client("LIST") as Promise<string>]);
    const entries = list
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) =>
        Object.fromEntries(line.split(" ").map((field) => [field.slice(0, field.indexOf("=")), field.slice(field.indexOf("=") + 1)])),
      );
    return entries.filter((entry) => entry.id !== String(ownId));
  } finally {
    await asking.quit();
  }
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-redis-"));
  const port = await sparePort();
  const pidFile = path.join(dir, "redis.pid");
  let child: ChildProcess | null = null;
  let log = "";
  const guard = watchdog(`[ -f ${quote(pidFile)} ] && kill -9 "$(cat ${quote(pidFile)})" 2>/dev/null; rm -rf ${quote(dir)}`);
  const entry = { kill: () => child?.kill("SIGKILL") };
  live.add(entry);

  const start = async () => {
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--pidfile",
      pidFile,
      "--save",
      "",
      "--appendonly",
      "yes",
      "--daemonize",
      "no",
    ];
    const started = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    started.stdout!.on("data", (chunk) => (log += chunk));
    started.stderr!.on("data", (chunk) => (log += chunk));
    const exited = once(started, "exit").then(() => {
      throw new Error(`redis-server exited while starting:\n${log}`);
    });
    await Promise.race([waitUntil(`redis-server accepting on port ${port}`, () => accepting(port), 10_000), exited]);
    exited.catch(() => {});
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGTERM");
    await exited;
  };
  const redis: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return child !== null && child.exitCode === null;
    },
    stop,
    start,
    async destroy() {
      await stop();
      live.delete(entry);
      guard.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    clients: () => listClients(`redis://127.0.0.1:${port}`),
  };
  try {
    await start();
  } catch (error) {
    await redis.destroy();
    throw error;
  }
  return redis;
}

export interface OwnPostgres {
  port: number;
  /** The cluster's own `postgres` database, as its superuser (trust authentication, loopback only). */
  adminUrl: string;
  readonly running: boolean;
  /** The URL of a database on the cluster. */
  urlOf(database: string): string;
  /** Creates a database (from a template when given) and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  /** Creates a database with the schema of prisma/migrations and returns its URL. */
  createMigratedDatabase(name: string): Promise<string>;
  /** `pg_ctl stop -m fast`: open transactions are rolled back and clients disconnected. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** `pg_ctl restart -m fast`. */
  restart(): Promise<void>;
  /** Stops the cluster and deletes its folder. */
  destroy(): Promise<void>;
  /** The server's log so far, for failure messages. */
  log(): string;
}

/** initdb and pg_ctl refuse to run as root: as root they run as Debian's `postgres` user. */
function asClusterOwner(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

async function run(command: string, args: string[], what: string): Promise<string> {
  const [file, argv] = asClusterOwner(command, args);
  const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${what} failed (exit ${code}):\n${output}`);
  return output;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-postgres-"));
  if (process.getuid?.() === 0) {
    const owner = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const group = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    if (owner.status !== 0)
      throw new Error("running as root, but there is no `postgres` user to run the cluster as (apt-get install -y postgresql)");
    fs.chownSync(root, Number(owner.stdout), Number(group.stdout));
  }
  const dataDir = path.join(root, "data");
  const logFile = path.join(root, "server.log");
  const port = await sparePort();
  const pgCtl = path.join(POSTGRES_BIN, "pg_ctl");
  // fsync off: the tests stop the server cleanly or not at all, and it makes initdb and commits cheap.
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`;
  const stopCommand = [...asClusterOwner(pgCtl, ["-D", dataDir, "-m", "immediate", "stop"]).flat()].map(quote).join(" ");
  const guard = watchdog(`${stopCommand} >/dev/null 2>&1; rm -rf ${quote(root)}`);
  let running = false;
  const entry = {
    kill: () => void spawnSync(...asClusterOwner(pgCtl, ["-D", dataDir, "-m", "immediate", "-w", "stop"]), { stdio: "ignore" }),
  };

  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const readLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "");
  const start = async () => {
    await run(pgCtl, ["-D", dataDir, "-o", serverOptions, "-l", logFile, "-w", "-t", "30", "start"], `pg_ctl start on port ${port}`).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${readLog()}`);
      },
    );
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await run(pgCtl, ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"], "pg_ctl stop");
    running = false;
  };
  const cluster: OwnPostgres = {
    port,
    adminUrl,
    get running() {
      return running;
    },
    urlOf,
    async createDatabase(name, template) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
      } finally {
        await client.end();
      }
      return urlOf(name);
    },
    async createMigratedDatabase(name) {
      const url = await cluster.createDatabase(name);
      await applyMigrationFiles(url);
      return url;
    },
    stop,
    start,
    async restart() {
      await run(pgCtl, ["-D", dataDir, "-o", serverOptions, "-l", logFile, "-m", "fast", "-w", "-t", "30", "restart"], "pg_ctl restart");
      running = true;
    },
    async destroy() {
      await stop().catch(() => entry.kill());
      live.delete(entry);
      guard.kill();
      fs.rmSync(root, { recursive: true, force: true });
    },
    log: readLog,
  };
  live.add(entry);
  try {
    await run(
      path.join(POSTGRES_BIN, "initdb"),
      ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
      "initdb",
    );
    await start();
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}

/**
 * The files `npm run setup` applies, in one transaction, recorded as Prisma Migrate records them
 * (the commands check that record before they start). `prisma migrate deploy` takes 15 s here,
 * most of it the CLI starting (test/database.test.ts covers `npm run setup` itself).
 */
async function applyMigrationFiles(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query(MIGRATIONS_TABLE);
    for (const migration of migrationFiles()) {
      await client.query(migration.sql);
      await client.query(RECORD_MIGRATION, [randomUUID(), migration.checksum, migration.name]);
    }
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}

/**
 * A Prisma client (and the raw driver) on a database of the own cluster. Not connectDatabase:
 * loading app/db.server opens the process's database, DATABASE_URL's or ./data, at once.
 */
export function connectOwnDatabase(url: string): { prisma: PrismaClient; raw: RawDatabase; close: () => Promise<void> } {
  const adapter = openAdapter("fault test", { kind: "postgres", url });
  const prisma = new PrismaClient({ adapter: adapter.factory });
  return {
    prisma,
    raw: adapter.raw,
    close: async () => {
      await prisma.$disconnect();
      await adapter.close();
    },
  };
}
