import "dotenv/config";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseColumnMap } from "../app/models/import/order-rows";
import type { ImportSummary } from "../app/models/import/order-import.server";

// npm run import -- --shop <domain> [--orders <file or folder>] [--products <file>] [--customers <file>] [--events <file.jsonl>] [--map "Src=dst,..."]
/** Order files imported side by side on PostgreSQL. */
const IMPORT_FILES_AT_ONCE = 2;
const usage =
  'usage: npm run import -- --shop <domain> [--orders <file.csv or folder>] [--products <file.csv>] [--customers <file.csv>] [--events <file.jsonl>] [--map "Source=target,..."]';

function fail(message: string): never {
  console.error(`import: ${message}`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      shop: { type: "string" },
      orders: { type: "string" },
      products: { type: "string" },
      customers: { type: "string" },
      events: { type: "string" },
      map: { type: "string" },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`);
}
if (!args.shop || !/^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$/i.test(args.shop))
  fail(`--shop must be the store's domain, e.g. shop.example.com\n${usage}`);
if (!args.orders && !args.products && !args.customers && !args.events)
  fail(`give at least one of --orders, --products, --customers, --events\n${usage}`);
for (const option of ["products", "customers", "events"] as const) {
  const file = args[option];
  if (file && !(fs.existsSync(file) && fs.statSync(file).isFile())) fail(`--${option}: ${path.resolve(file)} is not a file`);
}
let map: Map<string, string>;
try {
  map = parseColumnMap(args.map);
} catch (error) {
  fail((error as Error).message);
}

let files: string[] = [];
if (args.orders) {
  const source = path.resolve(args.orders);
  if (!fs.existsSync(source)) fail(`--orders: ${source} does not exist`);
  files = fs.statSync(source).isDirectory()
    ? fs
        .readdirSync(source)
        .filter((name) => name.toLowerCase().endsWith(".csv"))
        .sort()
        .map((name) => path.join(source, name))
    : [source];
  if (!files.length) fail(`--orders: ${source} holds no .csv files`);
}

// A fresh data folder is migrated here; the database opens (and takes its lock) only after.
const { prepareDatabase } = await import("../app/db/migrate.server");
try {
  await prepareDatabase();
} catch (error) {
  fail((error as Error).message);
}
const { processDatabase } = await import("../app/db.server");
const { ensureShop } = await import("../app/models/shops.server");
const { importOrderFile } = await import("../app/models/import/order-import.server");
const { prisma, raw, close } = processDatabase();
const shop = await ensureShop(prisma, args.shop.toLowerCase(), { platform: "HEADLESS", name: args.shop });

const failures: string[] = [];
// The catalogue first, so that orders and events find their products and customers.
const { importCustomerFile, importProductFile } = await import("../app/models/import/catalog-import.server");
for (const [option, importFile] of [
  ["products", importProductFile],
  ["customers", importCustomerFile],
] as const) {
  if (!args[option]) continue;
  try {
    const summary = await importFile(prisma, shop.id, path.resolve(args[option]!));
    console.log(
      `${option}: ${summary.rowsRead.toLocaleString("en-US")} rows read, ${summary.stored.toLocaleString("en-US")} stored or updated, ${summary.duplicates} repeated ids skipped`,
    );
  } catch (error) {
    failures.push((error as Error).message);
  }
}

const started = Date.now();
let orderFailures = 0;
const totals: Omit<ImportSummary, "file"> = { rowsRead: 0, imported: 0, orders: 0, returns: 0, skipped: {} };
const showProgress = (fileIndex: number, rowsInFile: number) => {
  const rows = totals.rowsRead + rowsInFile;
  const seconds = (Date.now() - started) / 1000;
  const width = 30;
  const done = Math.round((width * fileIndex) / files.length);
  const bar = `[${"#".repeat(done)}${".".repeat(width - done)}] ${fileIndex}/${files.length} files`;
  const line = `${bar}, ${rows.toLocaleString("en-US")} rows, ${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString("en-US")} rows/s`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
  else if (rowsInFile === 0 && (fileIndex === files.length || fileIndex % 25 === 0)) console.error(line);
};

// PostgreSQL imports two files at a time (one connection each); the embedded database has one connection.
const { databaseTarget } = await import("../app/db/config.server");
const parallelFiles = databaseTarget().kind === "postgres" ? IMPORT_FILES_AT_ONCE : 1;
let nextFile = 0;
let filesDone = 0;
const rowsInFlight = new Map<number, number>();
const inFlight = () => [...rowsInFlight.values()].reduce((sum, rows) => sum + rows, 0);
await Promise.all(
  Array.from({ length: Math.min(parallelFiles, files.length) }, async () => {
    while (nextFile < files.length) {
      const index = nextFile++;
      try {
        const summary = await importOrderFile(raw, shop.id, files[index], {
          map,
          onProgress: (rows) => {
            rowsInFlight.set(index, rows);
            showProgress(filesDone, inFlight());
          },
        });
        totals.rowsRead += summary.rowsRead;
        totals.imported += summary.imported;
        totals.orders += summary.orders;
        totals.returns += summary.returns;
        for (const [reason, count] of Object.entries(summary.skipped)) {
          totals.skipped[reason as keyof ImportSummary["skipped"]] =
            (totals.skipped[reason as keyof ImportSummary["skipped"]] ?? 0) + count;
        }
      } catch (error) {
        failures.push((error as Error).message || String(error));
        orderFailures++;
      }
      rowsInFlight.delete(index);
      showProgress(++filesDone, 0);
    }
  }),
);
if (process.stderr.isTTY) process.stderr.write("\n");

if (args.events) {
  const { importEventFile } = await import("../app/models/import/event-import.server");
  try {
    const summary = await importEventFile(raw, shop.id, path.resolve(args.events));
    console.log(
      `events: ${summary.linesRead.toLocaleString("en-US")} lines read, ${summary.imported.toLocaleString("en-US")} imported, ${summary.duplicates.toLocaleString("en-US")} already there`,
    );
  } catch (error) {
    failures.push((error as Error).message);
  }
}

const seconds = (Date.now() - started) / 1000;
const skipped = Object.values(totals.skipped).reduce((sum, count) => sum + (count ?? 0), 0);
if (files.length) {
  console.log(
    `\nImported into ${shop.domain} from ${files.length - orderFailures} of ${files.length} order files in ${seconds.toFixed(1)} s:`,
  );
  console.log(
    `  rows read        ${totals.rowsRead.toLocaleString("en-US")} (${Math.round(totals.rowsRead / seconds).toLocaleString("en-US")} rows/s)`,
  );
  console.log(`  lines imported   ${totals.imported.toLocaleString("en-US")} (new this run; already imported lines are left as they are)`);
  console.log(`  new orders       ${totals.orders.toLocaleString("en-US")}`);
  console.log(`  return lines     ${totals.returns.toLocaleString("en-US")}`);
  console.log(`  rows skipped     ${skipped.toLocaleString("en-US")}`);
  for (const [reason, count] of Object.entries(totals.skipped)) console.log(`    ${reason}: ${count!.toLocaleString("en-US")}`);
}
for (const failure of failures) console.error(`  not imported: ${failure}`);
await close();
process.exit(failures.length ? 1 : 0);
