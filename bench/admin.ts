import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import { jsonOnStdout } from "./json-output";
import { setting } from "../app/config/env.server";

// npm run bench:admin [-- --runs 3] [--json]: Lighthouse's performance score for the admin's
// pages in demo mode, served from the production build (npm run build runs first), in Debian's
// Chromium; the median of the runs per page, with mobile (Lighthouse's default throttling) and
// desktop settings.
const { values } = parseArgs({
  options: { runs: { type: "string", default: "3" }, json: { type: "boolean", default: false }, port: { type: "string", default: "3310" } },
});
const printJson = jsonOnStdout(values.json);
const runs = Number(values.runs);
const chromium = setting("CHROMIUM_PATH") ?? "/usr/bin/chromium";
if (!fs.existsSync(chromium)) throw new Error(`no Chromium at ${chromium}: apt-get install -y chromium, or set CHROMIUM_PATH`);
const PAGES = ["/app", "/app/placements", "/app/seasonality", "/app/rules", "/app/pairs", "/app/preview", "/app/insights", "/app/settings"];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-lighthouse-"));
const log = (line: string) => values.json || console.error(`[bench:admin] ${line}`);
log("loading the demo store and starting the built app");
const demo = spawn(process.execPath, ["--import", "tsx", "commands/demo.ts", "--built"], {
  env: { ...process.env, AFFINITY_DATA_DIR: dataDir, PORT: values.port, NODE_ENV: "development" },
  stdio: ["ignore", "pipe", "pipe"],
});
const origin = await new Promise<string>((resolve, reject) => {
  let output = "";
  demo.stdout.on("data", (chunk: Buffer) => {
    output += chunk;
    const match = /admin:\s+(http:\/\/\S+)\/app/.exec(output);
    if (match) resolve(match[1]);
  });
  demo.stderr.on("data", (chunk: Buffer) => (output += chunk));
  demo.on("exit", (code) => reject(new Error(`the demo exited (${code}) before serving:\n${output.slice(-2000)}`)));
});

const chrome = await chromeLauncher.launch({
  chromePath: chromium,
  chromeFlags: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const median = (scores: number[]) => [...scores].sort((a, b) => a - b)[Math.floor(scores.length / 2)];
const results: { page: string; mobile: number; desktop: number; lcpMs: number; tbtMs: number }[] = [];
try {
  for (const page of PAGES) {
    const scores = { mobile: [] as number[], desktop: [] as number[], lcp: [] as number[], tbt: [] as number[] };
    for (let run = 0; run < runs; run++) {
      for (const formFactor of ["mobile", "desktop"] as const) {
        const result = await lighthouse(
          origin + page,
          { port: chrome.port, onlyCategories: ["performance"], logLevel: "error", output: "json" },
          formFactor === "desktop" ? desktopConfig : undefined,
        );
        const lhr = result!.lhr;
        scores[formFactor].push(Math.round((lhr.categories.performance.score ?? 0) * 100));
        if (formFactor === "mobile") {
          scores.lcp.push(lhr.audits["largest-contentful-paint"].numericValue ?? 0);
          scores.tbt.push(lhr.audits["total-blocking-time"].numericValue ?? 0);
        }
      }
    }
    results.push({
      page,
      mobile: median(scores.mobile),
      desktop: median(scores.desktop),
      lcpMs: Math.round(median(scores.lcp)),
      tbtMs: Math.round(median(scores.tbt)),
    });
    log(`${page}: mobile ${results.at(-1)!.mobile}, desktop ${results.at(-1)!.desktop}`);
  }
} finally {
  await chrome.kill();
  demo.kill("SIGTERM");
  await new Promise((resolve) => demo.once("exit", resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
}

if (values.json) printJson({ runs, pages: results });
else {
  console.log(`| page | performance, mobile | performance, desktop | LCP, mobile | TBT, mobile |\n|---|---|---|---|---|`);
  for (const row of results)
    console.log(`| ${row.page} | ${row.mobile} | ${row.desktop} | ${(row.lcpMs / 1000).toFixed(1)} s | ${row.tbtMs} ms |`);
}
