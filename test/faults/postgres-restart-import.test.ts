import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownServicesAvailable, startOwnPostgres, type OwnPostgres } from "../helpers/own-services";

const SHOP = "faults-import.example.com";
const FILES = 4;
const ORDERS_PER_FILE = 2_000;
const LINES_PER_ORDER = 4;
const HEADER = "order_id,customer_id,product_id,quantity,price,created_at,title";

const available = ownServicesAvailable();

/** Order CSVs as a headless store exports them, each file's orders of its own (a return now and then). */
function writeOrderFiles(dir: string): string[] {
  const names: string[] = [];
  for (let file = 1; file <= FILES; file++) {
    const rows = [HEADER];
    for (let order = 0; order < ORDERS_PER_FILE; order++) {
      const id = `F${file}-${String(order).padStart(5, "0")}`;
      const customer = order % 9 === 0 ? "" : `C-${(order * 7 + file) % 1_500}`;
      const day = new Date(Date.UTC(2026, 0, 1) + (file * ORDERS_PER_FILE + order) * 600_000).toISOString();
      for (let line = 0; line < LINES_PER_ORDER; line++) {
        const product = `SKU-${(order * 13 + line * 31 + file) % 400}`;
        const quantity = order % 50 === 0 && line === 0 ? -1 : 1 + (line % 2);
        rows.push(`${id},${customer},${product},${quantity},${(5 + ((order + line) % 40)).toFixed(2)},${day},Product ${product}`);
      }
    }
    const name = `orders-${file}.csv`;
    fs.writeFileSync(path.join(dir, name), rows.join("\n") + "\n");
    names.push(name);
  }
  return names;
}

interface ImportRun {
  code: number | null;
  output: string;
}

/** `npm run import` against one database, as a child process. */
function startImport(databaseUrl: string, dir: string): { running: Promise<ImportRun> } {
  const child = spawn(process.execPath, ["--import", "tsx", "commands/import.ts", "--shop", SHOP, "--orders", dir], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return { running: once(child, "exit").then(([code]) => ({ code: code as number | null, output })) };
}

async function query<R>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as R[];
  } finally {
    await client.end();
  }
}

/** What an import leaves in the shop: rows per table, and orders per file. */
async function contents(url: string) {
  const [counts] = await query<Record<string, string>>(
    url,
    `SELECT (SELECT count(*) FROM "Order") AS orders, (SELECT count(*) FROM "OrderLine") AS lines,
            (SELECT count(*) FROM "Interaction") AS interactions, (SELECT count(*) FROM "Interaction" WHERE kind = 'REFUND') AS returns,
            (SELECT count(*) FROM "Product") AS products, (SELECT count(*) FROM "Customer") AS customers,
            (SELECT count(DISTINCT "dedupeKey") FROM "Interaction") AS "distinctInteractions"`,
  );
  const perFile = await query<{ file: string; orders: string }>(
    url,
    `SELECT split_part("externalId", '-', 1) AS file, count(*) AS orders FROM "Order" GROUP BY 1 ORDER BY 1`,
  );
  return {
    counts: Object.fromEntries(Object.entries(counts).map(([name, value]) => [name, Number(value)])),
    ordersPerFile: Object.fromEntries(perFile.map((row) => [row.file, Number(row.orders)])),
  };
}

describe.runIf(available)("PostgreSQL restarted in the middle of an import", () => {
  let postgres: OwnPostgres;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-faults-import-"));

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    writeOrderFiles(dir);
  });

  afterAll(async () => {
    await postgres?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("rolls the interrupted file back whole, and a second run completes it with nothing doubled", async () => {
    // Two copies of one migrated database: one imported undisturbed, the other interrupted.
    await postgres.createMigratedDatabase("affinity_template");
    const cleanUrl = await postgres.createDatabase("affinity_clean", "affinity_template");
    const faultyUrl = await postgres.createDatabase("affinity_faulty", "affinity_template");

    const clean = await startImport(cleanUrl, dir).running;
    expect(clean.code, clean.output).toBe(0);
    const expected = await contents(cleanUrl);
    expect(expected.ordersPerFile).toEqual({ F1: ORDERS_PER_FILE, F2: ORDERS_PER_FILE, F3: ORDERS_PER_FILE, F4: ORDERS_PER_FILE });

    const interrupted = startImport(faultyUrl, dir);
    // Once the first files are in, a later file's transaction is caught open, having written
    // order lines that nobody else can see yet.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [state] = await query<{ committed: string; writing: string }>(
        faultyUrl,
        `SELECT (SELECT count(*) FROM "Order") AS committed,
                (SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
                   AND (query LIKE '%"OrderLine"%' OR query LIKE '%"Interaction"%')) AS writing`,
      );
      if (Number(state.committed) > 0 && Number(state.writing) > 0) break;
      const finished = await Promise.race([interrupted.running, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5))]);
      if (finished || Date.now() > deadline)
        throw new Error(`no import transaction was caught writing after the first files:\n${finished?.output ?? ""}`);
    }
    await postgres.restart();
    const first = await interrupted.running;
    expect(first.code, first.output).toBe(1);
    expect(first.output).toMatch(/not imported: .*(terminat|Connection terminated|ECONNREFUSED|shutting down)/i);

    // Every file is all or nothing: the interrupted one left no order, line or interaction behind.
    const partial = await contents(faultyUrl);
    const perFile = Object.values(partial.ordersPerFile);
    expect(
      perFile.every((orders) => orders === ORDERS_PER_FILE),
      JSON.stringify(partial.ordersPerFile),
    ).toBe(true);
    expect(perFile.length).toBeGreaterThan(0);
    expect(perFile.length).toBeLessThan(FILES);
    expect(partial.counts.lines).toBe(perFile.length * (expected.counts.lines / FILES));
    expect(partial.counts.interactions).toBe(perFile.length * (expected.counts.interactions / FILES));

    const second = await startImport(faultyUrl, dir).running;
    expect(second.code, second.output).toBe(0);
    // It adds the files that were rolled back, and nothing of those already in.
    const missing = (FILES - perFile.length) * ORDERS_PER_FILE;
    expect(second.output).toContain(`new orders       ${missing.toLocaleString("en-US")}\n`);
    expect(await contents(faultyUrl)).toEqual(expected);
  }, 90_000);
});
