import fs from "node:fs";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { prepareBenchEnvironment } from "./environment";
import { jsonOnStdout } from "./json-output";
import { prepareBenchStore, signedProxyPath, storefrontQueries } from "./storefront";
import { setting } from "../app/config/env.server";

// npm run bench:serve [-- --rate 1000 --seconds 10 --connections 10 --json --profile <file.cpuprofile>]
// Starts the built app against the configured database (DATABASE_URL, or a fresh embedded one;
// Redis when REDIS_URL is set), loads a generated store, trains it, saves merchant rules, then
// drives GET /apps/affinity/recommendations with signed app-proxy requests from a load
// generator on loopback (autocannon in a child process), bounded in time:
//   1. at a fixed rate, for latency (p50, p99);
//   2. as fast as it answers, for throughput;
//   3. the same server answering a static JSON body of the same size, as fast as it can: the floor.
const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "1000" },
    seconds: { type: "string", default: "10" },
    // Ten: with more, autocannon's rate limiter sends in bursts and even the static body's p99 passes 10 ms.
    connections: { type: "string", default: "10" },
    json: { type: "boolean", default: false },
    // Write a CPU profile of the server during the throughput run to this file (.cpuprofile).
    profile: { type: "string" },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
if (!(rate > 0 && seconds > 0 && seconds <= 120 && connections > 0 && connections <= 500)) {
  console.error("bench:serve: --rate must be positive, --seconds from 1 to 120, --connections from 1 to 500");
  process.exit(1);
}
const printJson = jsonOnStdout(values.json);
const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`[bench:serve] ${message}\n`);

const SECRET = "bench-serve-secret";
const SHOP = "bench-serve.myshopify.com";
if (!fs.existsSync("build/server/index.js")) {
  console.error("bench:serve: no build found; run it as `npm run bench:serve`, which builds first");
  process.exit(1);
}
const removeDatabase = await prepareBenchEnvironment({
  name: "bench-serve",
  secret: SECRET,
  production: true,
  scopes: "read_products,read_orders",
});
const { processDatabase } = await import("../app/db.server");
const { prisma } = processDatabase();
const { shopId, products, customers } = await prepareBenchStore(prisma, SHOP, log);

const { startWebProcess } = await import("../workers/web");
let staticBody = "{}";
const server = await startWebProcess({
  host: "127.0.0.1",
  port: 0,
  dev: false,
  before: (app) => app.get("/bench/static", (_req, res) => void res.type("application/json").send(staticBody)),
});

// Signed storefront requests, as Shopify's app proxy forwards them: a mix of placements and shoppers.
const paths = storefrontQueries({ products, customers }).map((query) => signedProxyPath(query, SHOP, SECRET));
const sample = await fetch(server.origin + paths[0]);
if (sample.status !== 200) throw new Error(`the storefront endpoint answered ${sample.status}: ${await sample.text()}`);
staticBody = await sample.text();
// The headless API answers the same question through its own production path.
const { createApiKey } = await import("../app/models/api-keys.server");
const apiKey = await createApiKey(prisma, shopId, { name: "bench" });
if (!("key" in apiKey)) throw new Error("could not create an API key");
const headless = await fetch(`${server.origin}/api/v1/recommendations?placement=for_you&customer_id=${customers[0].externalId}`, {
  headers: { Authorization: `Bearer ${apiKey.key}` },
});
if (headless.status !== 200) throw new Error(`the headless API answered ${headless.status}: ${await headless.text()}`);

// autocannon runs in a child process, so that generating load does not take the server's thread
// (autocannon treats a worker thread as one of its own workers, so not a thread).
const LOAD = `
const fs = require("node:fs");
const autocannon = require("autocannon");
const { origin, paths, seconds, connections, rate } = JSON.parse(fs.readFileSync(0, "utf8"));
let next = 0;
autocannon({
  url: origin,
  connections,
  duration: seconds,
  ...(rate ? { overallRate: rate } : {}),
  requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }) }],
}, (error, result) => {
  if (error) { console.error(String(error)); process.exit(1); }
  process.stdout.write(JSON.stringify(result));
});
`;
interface LoadResult {
  latency: { p50: number; p99: number; mean: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
}
const load = (options: { paths: string[]; seconds: number; rate?: number }) =>
  new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", LOAD], { stdio: ["pipe", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(output) as LoadResult) : reject(new Error(`the load generator exited with ${code}`)),
    );
    child.stdin.end(JSON.stringify({ origin: server.origin, connections, ...options }));
  });

// One pass over every request first: lists and shoppers are then in the caches, as for a shop
// that has been serving for a while.
log(`warming up: ${paths.length} requests`);
for (let i = 0; i < paths.length; i += 20)
  await Promise.all(paths.slice(i, i + 20).map((path) => fetch(server.origin + path).then((response) => response.arrayBuffer())));
log(`${rate} requests/s for ${seconds} s`);
const { monitorEventLoopDelay } = await import("node:perf_hooks");
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const fixed = await load({ paths, seconds, rate });
loopDelay.disable();
log(`as fast as it answers for ${seconds} s`);
const { Session } = await import("node:inspector/promises");
const inspector = values.profile ? new Session() : null;
if (inspector) {
  inspector.connect();
  await inspector.post("Profiler.enable");
  await inspector.post("Profiler.start");
}
const open = await load({ paths, seconds });
if (inspector) {
  const { profile } = await inspector.post("Profiler.stop");
  fs.writeFileSync(values.profile!, JSON.stringify(profile));
  inspector.disconnect();
}
log(`the static floor (${Buffer.byteLength(staticBody)} bytes, as the first answer) for ${seconds} s`);
const floor = await load({ paths: ["/bench/static"], seconds });
log(`the static floor at ${rate}/s for ${seconds} s`);
const floorAtRate = await load({ paths: ["/bench/static"], seconds, rate });
await server.close();
const { shutdownProcess } = await import("../app/services/registry.server");
await shutdownProcess();
removeDatabase();

const failures = fixed.non2xx + fixed.errors + open.non2xx + open.errors;
if (failures) throw new Error(`${failures} requests failed or were not answered with 2xx`);
const result = {
  p50Ms: fixed.latency.p50,
  p99Ms: fixed.latency.p99,
  rps: Math.round(open.requests.average),
  staticRps: Math.round(floor.requests.average),
  ratio: Math.round((open.requests.average / floor.requests.average) * 100) / 100,
  atRate: {
    rate,
    achievedRps: Math.round(fixed.requests.average),
    requests: fixed.requests.total,
    // How long the server's event loop was held up (ms): what a request may wait behind.
    loopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
    loopDelayMaxMs: Math.round(loopDelay.max / 1e5) / 10,
    // The static body at the same rate: the load generator's and the HTTP stack's own latency.
    staticP50Ms: floorAtRate.latency.p50,
    staticP99Ms: floorAtRate.latency.p99,
  },
  database: setting("DATABASE_URL") ? "postgres" : "pglite",
};
if (values.json) printJson(result);
else {
  console.log(`storefront recommendations, ${result.database}, ${connections} connections:`);
  console.log(
    `  at ${rate}/s (achieved ${result.atRate.achievedRps}/s): p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; event loop delay p99 ${result.atRate.loopDelayP99Ms} ms, max ${result.atRate.loopDelayMaxMs} ms`,
  );
  console.log(`  the static body at ${rate}/s: p50 ${result.atRate.staticP50Ms} ms, p99 ${result.atRate.staticP99Ms} ms`);
  console.log(`  throughput ${result.rps}/s; static floor ${result.staticRps}/s; ratio ${result.ratio}`);
}
process.exit(0);
