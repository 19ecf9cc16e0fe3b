import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { jsonOnStdout } from "./json-output";
import { setting } from "../app/config/env.server";

// npm run bench:import [-- --lines 1000000 --files 100 --json]
// Writes a generated order history in the import format (CSV files of whole orders), then
// runs `npm run import` on it, twice, against the configured database (DATABASE_URL, or a
// fresh embedded one), and reports rows per second and the import process's peak memory.
const { values } = parseArgs({
  options: {
    lines: { type: "string", default: "1000000" },
    files: { type: "string", default: "100" },
    json: { type: "boolean", default: false },
  },
});
const printJson = jsonOnStdout(values.json);
const lines = Number(values.lines);
const fileCount = Number(values.files);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-bench-import-"));
const csvDir = path.join(dir, "orders");
fs.mkdirSync(csvDir);

// A deterministic store: 20,000 products, 60,000 customers (a fifth of orders are guests),
// orders of 1 to 6 lines over two years, about 2% of lines returned.
let seed = 7;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const start = Date.UTC(2024, 0, 1);
const span = 730 * 86_400_000;
let written = 0;
let order = 0;
for (let f = 0; f < fileCount; f++) {
  const target = Math.round(((f + 1) * lines) / fileCount);
  const rows = ["order_id,customer_id,product_id,quantity,price,created_at,title,country"];
  while (written < target) {
    order++;
    const customer = random() < 0.2 ? "" : `C${Math.floor(random() ** 2 * 60_000)}`;
    const at = new Date(start + Math.floor(((f + random()) / fileCount) * span)).toISOString();
    const count = Math.min(target - written, 1 + Math.floor(random() * 6));
    for (let l = 0; l < count; l++) {
      const product = Math.floor(random() ** 3 * 20_000);
      const returned = random() < 0.02;
      rows.push(
        `O${order},${customer},P${product}-${l},${returned ? -1 : 1 + Math.floor(random() * 3)},${(1 + (product % 97)).toFixed(2)},${at},Product ${product},GB`,
      );
    }
    written += count;
  }
  fs.writeFileSync(path.join(csvDir, `orders-${String(f).padStart(4, "0")}.csv`), rows.join("\n") + "\n");
}

const env = { ...process.env };
if (!setting("DATABASE_URL")) env.AFFINITY_DATA_DIR = path.join(dir, "data");
const run = (args: string[]) => {
  const result = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, "--import", "tsx", ...args], { env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
};
run(["commands/setup.ts"]);
const measure = () => {
  const started = performance.now();
  const result = run(["commands/import.ts", "--shop", "bench-import.example.com", "--orders", csvDir]);
  const seconds = (performance.now() - started) / 1000;
  const imported = Number(/lines imported\s+([\d,]+)/.exec(result.stdout)?.[1].replaceAll(",", "") ?? NaN);
  const peakMB = Math.round(Number(result.stderr.trim().split("\n").at(-1)) / 1024);
  return { seconds: Math.round(seconds * 10) / 10, rowsPerSecond: Math.round(lines / seconds), imported, peakMB };
};
const first = measure();
const second = measure();
fs.rmSync(dir, { recursive: true, force: true });

const database = setting("DATABASE_URL") ? "postgres" : "pglite";
if (values.json) printJson({ database, lines, files: fileCount, first, second });
else {
  console.log(`${lines.toLocaleString("en-US")} order lines in ${fileCount} files into ${database}, process start to exit:`);
  console.log(
    `  first run   ${first.seconds} s, ${first.rowsPerSecond.toLocaleString("en-US")} rows/s, ${first.imported.toLocaleString("en-US")} lines imported, peak ${first.peakMB} MB`,
  );
  console.log(
    `  second run  ${second.seconds} s, ${second.rowsPerSecond.toLocaleString("en-US")} rows/s, ${second.imported.toLocaleString("en-US")} lines imported, peak ${second.peakMB} MB`,
  );
}
