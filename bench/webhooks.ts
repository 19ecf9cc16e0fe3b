import fs from "node:fs";
import { parseArgs } from "node:util";
import { prepareBenchEnvironment } from "./environment";
import { childStdout, jsonOnStdout } from "./json-output";
import { setting } from "../app/config/env.server";

// npm run bench:webhooks [-- --deliveries 1000 --concurrency 50 --built --json]
// A burst of signed orders/create deliveries against the running app on loopback: how fast
// each is acknowledged (stored and queued), then how long ingestion of all of them takes.
// Uses DATABASE_URL / REDIS_URL when set, otherwise a fresh embedded database.
const { values } = parseArgs({
  options: {
    deliveries: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "50" },
    // Serve the `npm run build` output, as `npm start` does, instead of Vite's dev middleware.
    built: { type: "boolean", default: false },
    // Start the worker only once the burst is acknowledged, as when ingestion runs on other machines.
    "ingest-after": { type: "boolean", default: false },
    // Write a CPU profile of the web process during the burst to this file (.cpuprofile).
    profile: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const printJson = jsonOnStdout(values.json);
const deliveries = Number(values.deliveries);
const concurrency = Number(values.concurrency);
const SECRET = "bench-secret";
const SHOP = "bench.myshopify.com";

const removeDatabase = await prepareBenchEnvironment({ name: "bench", secret: SECRET, production: false, scopes: "read_orders" });
// With Redis, ingestion runs where production runs it: in a separate `npm run worker` process.
const { spawn } = await import("node:child_process");
const startWorker = () =>
  spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    stdio: ["inherit", childStdout(values.json), "inherit"],
    env: process.env,
  });
let worker = setting("REDIS_URL") && !values["ingest-after"] ? startWorker() : null;
const { startWebProcess } = await import("../workers/web");
const server = await startWebProcess({ host: "127.0.0.1", port: 0, dev: !values.built });
const { processDatabase } = await import("../app/db.server");
const { prisma } = processDatabase();

// The deliveries are sent from a worker thread, so that the load generator does not take the
// web process's CPU (Shopify sends from elsewhere); the latency is measured in that thread.
const SENDER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHmac, randomUUID } = require("node:crypto");
const { origin, shop, secret } = workerData;
function body(n) {
  return JSON.stringify({
    id: 7000000 + n, name: "#" + (1000 + n), currency: "USD", total_price: "48.00",
    created_at: new Date(Date.UTC(2026, 10, 1) + n * 60000).toISOString(),
    updated_at: new Date(Date.UTC(2026, 10, 1) + n * 60000).toISOString(),
    customer: { id: 100 + (n % 300), email: "c" + (n % 300) + "@example.com" },
    line_items: [
      { id: 9000000 + 2 * n, product_id: 500 + (n % 40), variant_id: 600 + (n % 40), title: "Mug", quantity: 1, price: "24.00" },
      { id: 9000001 + 2 * n, product_id: 500 + ((n * 7) % 40), variant_id: 600 + ((n * 7) % 40), title: "Beans", quantity: 1, price: "24.00" },
    ],
  });
}
async function send(n) {
  const raw = body(n);
  const started = performance.now();
  const response = await fetch(origin + "/webhooks/orders/create", {
    method: "POST", body: raw,
    headers: {
      "Content-Type": "application/json", "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": randomUUID(), "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(raw, "utf8").digest("base64"),
    },
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error("delivery " + n + " answered " + response.status);
  return performance.now() - started;
}
parentPort.on("message", async ({ first, count, concurrency }) => {
  const latencies = [];
  let next = first;
  const end = first + count;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < end) latencies.push(await send(next++));
  }));
  parentPort.postMessage(latencies);
});
`;
const { Worker } = await import("node:worker_threads");
const sender = new Worker(SENDER, { eval: true, workerData: { origin: server.origin, shop: SHOP, secret: SECRET } });
const sendBurst = (first: number, count: number, parallel: number) =>
  new Promise<number[]>((resolve, reject) => {
    sender.once("message", resolve);
    sender.once("error", reject);
    sender.postMessage({ first, count, concurrency: parallel });
  });

// Warm up: the first requests compile the routes.
await sendBurst(-20, 20, 1);
const { Session } = await import("node:inspector/promises");
const inspector = values.profile ? new Session() : null;
if (inspector) {
  inspector.connect();
  await inspector.post("Profiler.enable");
  await inspector.post("Profiler.start");
}
const burstStarted = performance.now();
const latencies = await sendBurst(0, deliveries, concurrency);
const burstSeconds = (performance.now() - burstStarted) / 1000;
await sender.terminate();
if (inspector) {
  const { profile } = await inspector.post("Profiler.stop");
  fs.writeFileSync(values.profile!, JSON.stringify(profile));
  inspector.disconnect();
}
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);

if (setting("REDIS_URL") && !worker) worker = startWorker();
const ingestStarted = performance.now();
for (;;) {
  const waiting = await prisma.webhookEvent.count({ where: { processedAt: null } });
  if (!waiting) break;
  if (performance.now() - ingestStarted > 600_000) throw new Error(`${waiting} deliveries still unprocessed after 10 minutes`);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const ingestSeconds = (performance.now() - burstStarted) / 1000;
const failed = await prisma.webhookEvent.count({ where: { error: { not: null } } });
const orders = await prisma.order.count();

const result = {
  database: setting("DATABASE_URL") ? "postgres" : "pglite",
  jobs: setting("REDIS_URL") ? "bullmq" : "in-process",
  server: values.built ? "build" : "vite-dev",
  ingestAfter: values["ingest-after"],
  deliveries,
  concurrency,
  acknowledgedSeconds: Math.round(burstSeconds * 100) / 100,
  acknowledgedPerSecond: Math.round(deliveries / burstSeconds),
  latencyMs: { p50: Number(pct(50)), p90: Number(pct(90)), p99: Number(pct(99)), max: Number(latencies[latencies.length - 1].toFixed(1)) },
  ingestedSeconds: Math.round(ingestSeconds * 100) / 100,
  orders,
  failed,
};
if (values.json) printJson(result);
else {
  console.log(
    `database: ${setting("DATABASE_URL") ? "PostgreSQL" : "embedded PGlite"}; jobs: ${setting("REDIS_URL") ? "BullMQ on Redis" : "in-process"}; ` +
      `server: ${values.built ? "npm run build output" : "Vite dev middleware"}` +
      (values["ingest-after"] ? "; worker started after the burst" : ""),
  );
  console.log(
    `${deliveries} deliveries, ${concurrency} at a time: acknowledged in ${burstSeconds.toFixed(2)} s (${result.acknowledgedPerSecond}/s)`,
  );
  console.log(
    `acknowledgement latency ms: p50 ${pct(50)}, p90 ${pct(90)}, p99 ${pct(99)}, max ${latencies[latencies.length - 1].toFixed(1)}`,
  );
  console.log(`all ingested ${ingestSeconds.toFixed(2)} s after the burst began: ${orders} orders, ${failed} failed`);
}

worker?.kill("SIGTERM");
await server.close();
const { shutdownProcess } = await import("../app/services/registry.server");
await shutdownProcess();
removeDatabase();
process.exit(failed || orders < deliveries + 20 ? 1 : 0);
