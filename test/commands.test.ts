import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { POSTGRES_ADMIN_URL, serviceAvailable } from "./helpers/services";

// The databases are read with their drivers: importing app/db.server would open the process's
// own database (./data) in the test runner.

// The commands as a newcomer runs them: child processes on a fresh, empty data folder (or an
// empty PostgreSQL database), with what they print on stdout and stderr kept apart.
const SMALL_ORDERS = path.resolve("test/fixtures/orders-small.csv");
const RETAIL_DAY = path.resolve("../shared/datasets/online-retail/by-day/2010-12-01.csv");
const RETAIL_MAP =
  "InvoiceNo=order_id,StockCode=product_id,Description=title,Quantity=quantity,InvoiceDate=created_at,UnitPrice=price,CustomerID=customer_id,Country=country";
const folders: string[] = [];
const freshFolder = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-commands-"));
  folders.push(dir);
  return dir;
};
afterAll(() => folders.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/**
 * Upper bounds, not expected times: each command takes well under a minute on an idle 2-core
 * machine (tsx start, migrations, the work), but bench:webhooks took 200 s and the web process
 * 150 s on one loaded to 12 runnable processes.
 */
const COMMAND_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = 330_000;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without the test run's own database and queue settings, plus `env`. */
function commandEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, AFFINITY_DATA_DIR: _dir, REDIS_URL: _redis, ...inherited } = process.env;
  return { ...inherited, ...env };
}

/** Runs a command to its end; after `timeoutMs` its whole process group is killed (npm starts children). */
function run(command: string, args: string[], env: Record<string, string>, timeoutMs = COMMAND_TIMEOUT_MS): Promise<Finished> {
  const child = spawn(command, args, { env: commandEnv(env), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const tsx = (script: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, ["--import", "tsx", script, ...args], env);

/** A command's whole stdout as the one JSON object it must be; says what else was there when not. */
function onlyJson(finished: Finished): Record<string, unknown> {
  expect(finished.code, finished.stderr.slice(-3000)).toBe(0);
  try {
    return JSON.parse(finished.stdout);
  } catch {
    throw new Error(`stdout is not one JSON object:\n${finished.stdout.slice(0, 2000)}`);
  }
}

describe("commands on a fresh embedded database migrate it first", () => {
  it(
    "npm run import imports orders into an empty data folder",
    async () => {
      const dataDir = freshFolder();
      const imported = await run("npm", ["run", "-s", "import", "--", "--shop", "shop.example.com", "--orders", SMALL_ORDERS], {
        AFFINITY_DATA_DIR: dataDir,
      });
      expect(imported.code, imported.stderr).toBe(0);
      const newOrders = Number(/new orders\s+([\d,]+)/.exec(imported.stdout)?.[1].replaceAll(",", ""));
      expect(newOrders).toBe(20);

      const db = new PGlite(path.join(dataDir, "pglite"));
      try {
        const orders = await db.query<{ count: number }>(
          `SELECT COUNT(*)::int AS count FROM "Order" o JOIN "Shop" s ON s.id = o."shopId" WHERE s.domain = 'shop.example.com'`,
        );
        expect(orders.rows[0].count).toBe(newOrders);
        const migrations = await db.query<{ count: number }>(
          `SELECT COUNT(*)::int AS count FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`,
        );
        expect(migrations.rows[0].count).toBe(
          fs.readdirSync("prisma/migrations").filter((name) => fs.existsSync(path.join("prisma/migrations", name, "migration.sql"))).length,
        );
      } finally {
        await db.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "the web process (server.ts, as npm start runs it) serves on an empty data folder",
    async () => {
      const dataDir = freshFolder();
      const env = {
        AFFINITY_DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        NODE_ENV: "development",
        SHOPIFY_API_KEY: "commands",
        SHOPIFY_API_SECRET: "commands-secret",
        SHOPIFY_APP_URL: "http://127.0.0.1",
        SCOPES: "read_orders",
      };
      const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { env: commandEnv(env), stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      try {
        const url = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`not serving after ${COMMAND_TIMEOUT_MS / 1000} s:\n${output}`)),
            COMMAND_TIMEOUT_MS,
          );
          const read = (chunk: Buffer) => {
            output += chunk;
            const match = /serving (http:\/\/\S+)/.exec(output);
            if (match) (clearTimeout(timer), resolve(match[1]));
          };
          child.stdout.on("data", read);
          child.stderr.on("data", read);
          child.on("exit", (code) => reject(new Error(`exited (${code}) before serving:\n${output}`)));
        });
        // The key is looked up in the database: a 401 says the tables are there (a missing table is a 500).
        const answer = await fetch(`${url}/api/v1/recommendations?placement=trending`, {
          headers: { Authorization: "Bearer sk_unknown_key_0000000000" },
        });
        expect(answer.status, await answer.text()).toBe(401);
        expect(output).not.toMatch(/sweep failed|does not exist/);
      } finally {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    },
    TEST_TIMEOUT_MS,
  );
});

const postgresUp = await serviceAvailable("PostgreSQL", POSTGRES_ADMIN_URL);

/** A new, empty database on the test server, dropped by `drop`. */
async function emptyPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `affinity_commands_${randomBytes(6).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

describe.skipIf(!postgresUp)("commands on PostgreSQL that was never set up", () => {
  it(
    "import and the worker stop with one line that says to run npm run setup, and migrate nothing",
    async () => {
      const { url, drop } = await emptyPostgresDatabase();
      try {
        const imported = await tsx("commands/import.ts", ["--shop", "shop.example.com", "--orders", SMALL_ORDERS], { DATABASE_URL: url });
        expect(imported.code).toBe(1);
        expect(imported.stderr.trim().split("\n")).toEqual([
          expect.stringMatching(/^import: PostgreSQL has \d+ migrations not applied \(.+\): run `npm run setup` first\.$/),
        ]);
        const worker = await tsx("workers/main.ts", [], {
          DATABASE_URL: url,
          REDIS_URL: "redis://127.0.0.1:6379",
          SHOPIFY_API_KEY: "k",
          SHOPIFY_API_SECRET: "s",
          SHOPIFY_APP_URL: "http://127.0.0.1",
          SCOPES: "read_orders",
        });
        expect(worker.code).toBe(1);
        expect(worker.stderr).toMatch(/^npm run worker: PostgreSQL has \d+ migrations not applied .*: run `npm run setup` first\.\n$/);

        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const tables = await client.query<{ found: string | null }>(`SELECT to_regclass('"Shop"')::text AS found`);
          expect(tables.rows[0].found).toBeNull();
        } finally {
          await client.end();
        }
      } finally {
        await drop();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe("--json prints only the JSON object on stdout", () => {
  it(
    "bench:quality on a day of orders with the baselines only",
    async () => {
      const result = onlyJson(
        await run(
          "npm",
          ["run", "-s", "bench:quality", "--", "--json", "--orders", RETAIL_DAY, "--map", RETAIL_MAP, "--models", "popularity"],
          {},
        ),
      );
      expect(result).toMatchObject({ protocol: "stratified-75-25", k: 10, models: { popularity: { ndcg: expect.any(Number) } } });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "bench:import with a thousand lines in two files",
    async () => {
      const result = onlyJson(await run("npm", ["run", "-s", "bench:import", "--", "--json", "--lines", "1000", "--files", "2"], {}));
      expect(result).toMatchObject({ database: "pglite", lines: 1000, files: 2, first: { imported: 1000 }, second: { imported: 0 } });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "bench:webhooks with twenty deliveries",
    async () => {
      const result = onlyJson(
        await run("npm", ["run", "-s", "bench:webhooks", "--", "--json", "--deliveries", "20", "--concurrency", "5"], {}),
      );
      expect(result).toMatchObject({ database: "pglite", jobs: "in-process", deliveries: 20, failed: 0, orders: 40 });
    },
    TEST_TIMEOUT_MS,
  );
});
