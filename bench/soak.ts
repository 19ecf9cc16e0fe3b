import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHmac, randomUUID } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { prepareBenchEnvironment } from "./environment";
import { jsonOnStdout } from "./json-output";
import { headlessPath, prepareBenchStore, signedProxyPath, storefrontQueries } from "./storefront";
import { setting } from "../app/config/env.server";

// npm run bench:soak [-- --rate 1000 --duration 600 --window 30 --webhooks 10 --warmup 15 --connections 10 --json --profile <file.cpuprofile>]
// (`npm run -s bench:soak -- --json` prints only the JSON object on stdout: the build's output,
// the progress and the server's own lines go to stderr.)
// The storefront under sustained load: sets up the same store as bench:serve (generated demo
// store, trained, a rule of every kind; DATABASE_URL or a fresh embedded database, Redis when
// REDIS_URL is set), then starts the production web process (as `server.ts` does, on the
// `npm run build` output) in a child process and drives it on loopback for --duration seconds
// at --rate requests/s with autocannon (90% signed app-proxy requests, 10% the headless API),
// while signed orders/create webhooks with new order ids arrive at --webhooks per second. It
// reports errors (non-2xx, timeouts, socket errors), p50/p99 per --window seconds, the
// throughput achieved, the server's resident memory (VmRSS) after warm-up and at the end, and
// the CPU of the server, of this load generator and of everything else on the machine. Bounded
// in time; exits 1 when a goal is missed (no errors, RSS growth under 10%, the rate achieved).
const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "1000" },
    duration: { type: "string", default: "600" },
    window: { type: "string", default: "30" },
    webhooks: { type: "string", default: "10" },
    // Seconds at the full rate, webhooks included, before the measured run: the heap and the
    // caches reach their working size, so that growth afterwards is growth under load.
    warmup: { type: "string", default: "15" },
    // As bench:serve: with more, autocannon's rate limiter sends in larger bursts.
    connections: { type: "string", default: "10" },
    json: { type: "boolean", default: false },
    // Write a CPU profile of the server process, over its whole life, to this file (.cpuprofile).
    profile: { type: "string" },
  },
});
const rate = Number(values.rate);
const duration = Number(values.duration);
const windowSeconds = Number(values.window);
const webhookRate = Number(values.webhooks);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const integer = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
if (
  !integer(rate, 1, 20_000) ||
  !integer(duration, 1, 3_600) ||
  !integer(windowSeconds, 1, duration) ||
  !(webhookRate >= 0 && webhookRate <= 200) ||
  !integer(warmup, 0, 120) ||
  !integer(connections, 1, 500)
) {
  console.error(
    "bench:soak: --rate 1 to 20000, --duration 1 to 3600 s, --window 1 s to the duration, --webhooks 0 to 200 per second, " +
      "--warmup 0 to 120 s, --connections 1 to 500 (whole numbers but --webhooks)",
  );
  process.exit(1);
}
const printJson = jsonOnStdout(values.json);
const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`[bench:soak] ${message}\n`);

const SECRET = "bench-soak-secret";
const SHOP = "bench-soak.myshopify.com";
const REQUEST_TIMEOUT_S = 10;
// The headless API allows 50 requests/s per key: its tenth of the load is spread over ten keys.
const API_KEYS = 10;
if (!fs.existsSync("build/server/index.js")) {
  console.error("bench:soak: no build found; run it as `npm run bench:soak`, which builds first");
  process.exit(1);
}
if (setting("REDIS_URL") && !setting("DATABASE_URL")) {
  console.error("bench:soak: with REDIS_URL, set DATABASE_URL too: the worker that ingests the webhooks needs a database it can share");
  process.exit(1);
}

// ---- The store, set up in this process; the server gets the database to itself afterwards.
const removeDatabase = await prepareBenchEnvironment({
  name: "bench-soak",
  secret: SECRET,
  production: true,
  scopes: "read_products,read_orders",
});
const { processDatabase } = await import("../app/db.server");
const { shutdownProcess } = await import("../app/services/registry.server");
const setupDb = processDatabase().prisma;
const store = await prepareBenchStore(setupDb, SHOP, log);
// Ten webhooks a second are thousands of new orders: the order-count trigger would retrain the
// shop in the middle of the run. Training has its own benchmark (bench:train); this one measures
// serving and ingestion, so neither trigger fires during it.
await setupDb.shopSettings.update({
  where: { shopId: store.shopId },
  data: { retrainAfterOrders: 1_000_000_000, trainingSchedule: "0 3 1 1 *" },
});
const { createApiKey } = await import("../app/models/api-keys.server");
const keys: string[] = [];
for (let i = 0; i < API_KEYS; i++) {
  const created = await createApiKey(setupDb, store.shopId, { name: `soak ${i + 1}` });
  if (!("key" in created)) throw new Error("could not create an API key");
  keys.push(`Bearer ${created.key}`);
}
await shutdownProcess();

// The requests: bench:serve's 2,000 app-proxy questions, and every ninth of them (all placements)
// also through the headless API. Proxy requests are signed again every 30 s (the app accepts a
// timestamp within 90 s).
const queries = storefrontQueries(store);
const table: { query: Record<string, string>; authorization?: string }[] = [];
let headless = 0;
queries.forEach((query, i) => {
  table.push({ query });
  if (i % 9 === 0) table.push({ query, authorization: keys[headless++ % keys.length] });
});
const headlessShare = headless / table.length;
let paths: string[] = [];
const sign = () => {
  const now = Math.floor(Date.now() / 1000);
  paths = table.map((entry) => (entry.authorization ? headlessPath(entry.query) : signedProxyPath(entry.query, SHOP, SECRET, now)));
};
sign();
const resigner = setInterval(sign, 30_000);

// ---- The server (and, with Redis, the worker) in child processes.
const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
const budgetSeconds = warmup + duration + 900;
setTimeout(() => {
  console.error(`bench:soak: still running after ${budgetSeconds} s; stopping`);
  process.exit(1);
}, budgetSeconds * 1000).unref();

// The web process as `server.ts` starts it, minus the settings check and the migrations, which
// the benchmark's environment has already done.
const SERVE = `
const { startWebProcess } = await import(${JSON.stringify(new URL("../workers/web.ts", import.meta.url).href)});
const { serverOptionsFromEnv } = await import(${JSON.stringify(new URL("../app/http/web-server.server.ts", import.meta.url).href)});
await startWebProcess(serverOptionsFromEnv());
`;
const profileFlags = values.profile
  ? ["--cpu-prof", `--cpu-prof-dir=${path.dirname(path.resolve(values.profile))}`, `--cpu-prof-name=${path.basename(values.profile)}`]
  : [];
const server = spawn(process.execPath, [...profileFlags, "--import", "tsx", "--input-type=module", "--eval", SERVE], {
  env: { ...process.env, HOST: "127.0.0.1", PORT: "0" },
  stdio: ["ignore", "pipe", "pipe"],
});
children.push(server);
server.stderr!.pipe(process.stderr);
const origin = await new Promise<string>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("the server did not start within 120 s")), 120_000);
  let seen = "";
  server.stdout!.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    seen = (seen + chunk.toString()).slice(-4_096);
    const match = /\[affinity\] serving (http:\/\/\S+)/.exec(seen);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
  server.once("exit", (code) => reject(new Error(`the server exited with ${code} before serving`)));
});
const worker = setting("REDIS_URL")
  ? spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], { env: process.env, stdio: ["ignore", process.stderr, process.stderr] })
  : null;
if (worker) children.push(worker);
const serverPid = server.pid!;
let stopping = false;
let unexpectedExit: string | null = null;
for (const [name, child] of [
  ["server", server],
  ["worker", worker],
] as const) {
  child?.once("exit", (code, signal) => {
    if (!stopping) unexpectedExit ??= `the ${name} exited (${signal ?? code}) during the run`;
  });
}
log(`server pid ${serverPid} at ${origin}${worker ? `; worker pid ${worker.pid}` : ""}`);

const proxySample = await fetch(origin + paths[0]);
if (proxySample.status !== 200) throw new Error(`the storefront endpoint answered ${proxySample.status}: ${await proxySample.text()}`);
await proxySample.arrayBuffer();
const headlessSample = await fetch(origin + paths[1], { headers: { Authorization: table[1].authorization! } });
if (headlessSample.status !== 200) throw new Error(`the headless API answered ${headlessSample.status}: ${await headlessSample.text()}`);
await headlessSample.arrayBuffer();

// ---- Measurements of the processes, from /proc.
// NaN once the process is gone (the run then reports how it ended).
const readProc = (pid: number, file: string) => {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
};
const procStatus = (pid: number, field: "VmRSS" | "VmHWM") =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readProc(pid, "status"))?.[1] ?? NaN) / 1024;
const procTicks = (pid: number) => {
  const stat = readProc(pid, "stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime
};
const machineTicks = () => {
  const counters = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = counters.reduce((sum, value) => sum + value, 0);
  return { total, busy: total - counters[3] - counters[4] };
};
interface Sample {
  at: number;
  rssMb: number;
  workerRssMb: number | null;
  serverTicks: number;
  workerTicks: number;
  machineBusy: number;
  machineTotal: number;
  selfCpuUs: number;
}
const sample = (): Sample => {
  const machine = machineTicks();
  const self = process.cpuUsage();
  return {
    at: performance.now(),
    rssMb: procStatus(serverPid, "VmRSS"),
    workerRssMb: worker ? procStatus(worker.pid!, "VmRSS") : null,
    serverTicks: procTicks(serverPid),
    workerTicks: worker ? procTicks(worker.pid!) : 0,
    machineBusy: machine.busy,
    machineTotal: machine.total,
    selfCpuUs: self.user + self.system,
  };
};
const cores = os.cpus().length;
// CPU between two samples, in % of one core (the machine has `cores` of them): the server (and
// worker), this load generator, and every other process.
const cpuBetween = (a: Sample, b: Sample) => {
  const ticksPerCore = (b.machineTotal - a.machineTotal) / cores;
  const wallUs = (b.at - a.at) * 1000;
  if (ticksPerCore <= 0 || wallUs <= 0) return { serverPct: 0, workerPct: 0, loadGeneratorPct: 0, otherPct: 0, machinePct: 0 };
  const serverPct = ((b.serverTicks - a.serverTicks) / ticksPerCore) * 100;
  const workerPct = ((b.workerTicks - a.workerTicks) / ticksPerCore) * 100;
  const machinePct = ((b.machineBusy - a.machineBusy) / ticksPerCore) * 100;
  const loadGeneratorPct = ((b.selfCpuUs - a.selfCpuUs) / wallUs) * 100;
  return {
    serverPct,
    workerPct,
    loadGeneratorPct,
    otherPct: Math.max(0, machinePct - serverPct - workerPct - loadGeneratorPct),
    machinePct,
  };
};
const beforeWarmup = sample();

// ---- What the run records, per window of the measured run (index -1: the warm-up).
interface Bucket {
  latencies: number[];
  non2xx: number;
  timeouts: number;
  socketErrors: number;
  webhookLatencies: number[];
  webhookFailed: number;
  webhookTimeouts: number;
  webhookErrors: number;
}
const bucket = (): Bucket => ({
  latencies: [],
  non2xx: 0,
  timeouts: 0,
  socketErrors: 0,
  webhookLatencies: [],
  webhookFailed: 0,
  webhookTimeouts: 0,
  webhookErrors: 0,
});
const windowCount = Math.ceil(duration / windowSeconds);
const warmupBucket = bucket();
const buckets = Array.from({ length: windowCount }, bucket);
let runStart = Infinity;
const bucketNow = () => {
  const now = performance.now();
  if (now < runStart) return warmupBucket;
  return buckets[Math.min(windowCount - 1, Math.floor((now - runStart) / (windowSeconds * 1000)))];
};
const statusCounts = new Map<number, number>();
const errorMessages = new Map<string, number>();
const failureSamples: string[] = [];

// ---- The load generator: autocannon in this process (the server has its own), at a fixed rate.
interface AutocannonResult {
  latency: { p50: number; p99: number };
  requests: { total: number; average: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: object, done: (error: Error | null, result: AutocannonResult) => void) => NodeJS.EventEmitter;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
let next = 0;
const drive = (seconds: number) =>
  new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin,
        connections,
        duration: seconds,
        overallRate: rate,
        timeout: REQUEST_TIMEOUT_S,
        requests: [
          {
            setupRequest: (request: { headers?: Record<string, string> }) => {
              const i = next++ % table.length;
              const authorization = table[i].authorization;
              return { ...request, path: paths[i], headers: authorization ? { ...request.headers, authorization } : request.headers };
            },
            // The first few answers that were not 2xx, to say why.
            onResponse: (status: number, body: string) => {
              if ((status < 200 || status > 299) && failureSamples.length < 5)
                failureSamples.push(`${status}: ${String(body).slice(0, 200)}`);
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      const into = bucketNow();
      into.latencies.push(ms);
      if (status < 200 || status > 299) {
        into.non2xx++;
        statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
      }
    });
    instance.on("reqError", (error: Error) => {
      const into = bucketNow();
      if (error.message === "request timed out") into.timeouts++;
      else into.socketErrors++;
      errorMessages.set(error.message, (errorMessages.get(error.message) ?? 0) + 1);
    });
  });

// ---- Signed orders/create webhooks, as Shopify sends them, for the store's own customers and products.
const runTag = randomUUID().slice(0, 8);
const webhookPrefix = `soak-${runTag}-`;
let webhookSeq = 0;
const inFlight = new Set<Promise<void>>();
const sendWebhook = () => {
  const n = webhookSeq++;
  const customer = store.customers[(n * 11) % store.customers.length];
  const lines = Array.from({ length: 1 + (n % 3) }, (_, j) => store.products[(n * 7 + j * 131) % store.products.length]);
  const at = new Date().toISOString();
  const raw = JSON.stringify({
    id: 6_000_000_000 + n,
    name: `#S${n}`,
    currency: "USD",
    financial_status: "paid",
    total_price: (24 * lines.length).toFixed(2),
    created_at: at,
    processed_at: at,
    updated_at: at,
    customer: { id: customer.externalId, email: customer.email, first_name: customer.firstName, last_name: customer.lastName },
    line_items: lines.map((product, j) => ({
      id: 8_000_000_000 + n * 4 + j,
      product_id: product.externalId,
      title: product.title,
      quantity: 1,
      price: "24.00",
    })),
  });
  const started = performance.now();
  const delivery = fetch(`${origin}/webhooks/orders/create`, {
    method: "POST",
    body: raw,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_S * 1000),
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Shop-Domain": SHOP,
      "X-Shopify-Webhook-Id": `${webhookPrefix}${n}`,
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Hmac-Sha256": createHmac("sha256", SECRET).update(raw, "utf8").digest("base64"),
    },
  }).then(
    async (response) => {
      await response.arrayBuffer();
      const into = bucketNow();
      into.webhookLatencies.push(performance.now() - started);
      if (response.status !== 200) {
        into.webhookFailed++;
        errorMessages.set(`webhook answered ${response.status}`, (errorMessages.get(`webhook answered ${response.status}`) ?? 0) + 1);
      }
    },
    (error: Error) => {
      const into = bucketNow();
      if (error.name === "TimeoutError") into.webhookTimeouts++;
      else into.webhookErrors++;
      errorMessages.set(`webhook: ${error.message}`, (errorMessages.get(`webhook: ${error.message}`) ?? 0) + 1);
    },
  );
  inFlight.add(delivery);
  void delivery.finally(() => inFlight.delete(delivery));
};

// ---- Warm-up: every request once (as bench:serve), then the full rate with webhooks.
log(
  `warming up: ${table.length} requests (${Math.round(headlessShare * 100)}% headless), then ${warmup} s at ${rate}/s with ${webhookRate} webhooks/s`,
);
for (let i = 0; i < table.length; i += 20) {
  await Promise.all(
    table.slice(i, i + 20).map((entry, j) =>
      fetch(origin + paths[i + j], { headers: entry.authorization ? { Authorization: entry.authorization } : {} }).then((response) => {
        if (!response.ok) warmupBucket.non2xx++;
        return response.arrayBuffer();
      }),
    ),
  );
}
const webhookTimer = webhookRate > 0 ? setInterval(sendWebhook, 1000 / webhookRate) : null;
const warmupResult = warmup > 0 ? await drive(warmup) : null;

// ---- The measured run.
const samples: Sample[] = [sample()];
runStart = samples[0].at;
const sampler = setInterval(() => samples.push(sample()), 1000);
const percentile = (sorted: ArrayLike<number>, p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const samplesWithin = (from: number, to: number) => {
  const inside = samples.filter((s) => s.at >= runStart + from * 1000 - 500 && s.at <= runStart + to * 1000 + 500);
  return inside.length >= 2 ? [inside[0], inside[inside.length - 1]] : null;
};
const summarise = (index: number) => {
  const b = buckets[index];
  const from = index * windowSeconds;
  const to = Math.min(duration, from + windowSeconds);
  const latencies = Float64Array.from(b.latencies).sort();
  const webhookLatencies = Float64Array.from(b.webhookLatencies).sort();
  const ends = samplesWithin(from, to);
  const cpu = ends ? cpuBetween(ends[0], ends[1]) : null;
  return {
    fromS: from,
    toS: to,
    requests: latencies.length,
    rps: Math.round(latencies.length / (to - from)),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    maxMs: round(latencies[latencies.length - 1] ?? NaN, 1),
    non2xx: b.non2xx,
    timeouts: b.timeouts,
    socketErrors: b.socketErrors,
    webhooks: webhookLatencies.length + b.webhookTimeouts + b.webhookErrors,
    webhookP99Ms: round(percentile(webhookLatencies, 99), 1),
    webhookErrors: b.webhookFailed + b.webhookTimeouts + b.webhookErrors,
    rssMb: ends ? round(ends[1].rssMb) : null,
    serverCpuPct: cpu ? Math.round(cpu.serverPct + cpu.workerPct) : null,
    loadGeneratorCpuPct: cpu ? Math.round(cpu.loadGeneratorPct) : null,
    otherCpuPct: cpu ? Math.round(cpu.otherPct) : null,
  };
};
let logged = 0;
const logWindows = (upTo: number) => {
  for (; logged < Math.min(upTo, windowCount); logged++) {
    const w = summarise(logged);
    log(
      `${w.fromS}–${w.toS} s: ${w.rps}/s, p50 ${w.p50Ms} ms, p99 ${w.p99Ms} ms, errors ${w.non2xx + w.timeouts + w.socketErrors}; ` +
        `webhooks ${w.webhooks} (p99 ${w.webhookP99Ms} ms, errors ${w.webhookErrors}); RSS ${w.rssMb} MB; ` +
        `CPU % of a core: server ${w.serverCpuPct}, load generator ${w.loadGeneratorCpuPct}, other ${w.otherCpuPct}`,
    );
  }
};
const progress = setInterval(() => logWindows(Math.floor((performance.now() - runStart) / (windowSeconds * 1000))), windowSeconds * 1000);
log(`${rate} requests/s for ${duration} s`);
const runResult = await drive(duration);
const runSeconds = (performance.now() - runStart) / 1000;
clearInterval(progress);
if (webhookTimer) clearInterval(webhookTimer);
clearInterval(resigner);
await Promise.all(inFlight);
clearInterval(sampler);
samples.push(sample());
const peakRssMb = procStatus(serverPid, "VmHWM");
const windows = buckets.map((_, index) => summarise(index));
logWindows(windowCount);

// ---- Stop the server (it finishes the jobs in hand); with Redis, let the worker ingest first.
const exited = (child: ChildProcess, seconds: number) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, seconds * 1000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
const ingestDeadline = performance.now() + 120_000;
if (worker) {
  const db = processDatabase().prisma;
  while (
    (await db.webhookEvent.count({ where: { webhookId: { startsWith: webhookPrefix }, processedAt: null } })) > 0 &&
    performance.now() < ingestDeadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
stopping = true;
server.kill("SIGTERM");
await exited(server, 120);
if (worker) {
  worker.kill("SIGTERM");
  await exited(worker, 60);
}
const db = processDatabase().prisma;
const events = await db.webhookEvent.findMany({
  where: { webhookId: { startsWith: webhookPrefix } },
  select: { receivedAt: true, processedAt: true, error: true },
});
await shutdownProcess();
removeDatabase();

// ---- Figures.
const all = Float64Array.from(buckets.flatMap((b) => b.latencies)).sort();
const allWebhooks = Float64Array.from(buckets.flatMap((b) => b.webhookLatencies)).sort();
const total = (pick: (b: Bucket) => number) => buckets.reduce((sum, b) => sum + pick(b), 0);
const lags = Float64Array.from(events.filter((e) => e.processedAt).map((e) => e.processedAt!.getTime() - e.receivedAt.getTime())).sort();
const startRss = samples[0].rssMb;
const endRss = samples[samples.length - 1].rssMb;
// Least squares over the 1-s samples: the trend, less sensitive to where a collection fell than two points.
const slopeMbPerMin = (() => {
  const xs = samples.map((s) => (s.at - runStart) / 60_000);
  const ys = samples.map((s) => s.rssMb);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return sxx ? xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0) / sxx : 0;
})();
const cpu = cpuBetween(samples[0], samples[samples.length - 1]);
const storefrontErrors = total((b) => b.non2xx + b.timeouts + b.socketErrors);
const webhookErrors = total((b) => b.webhookFailed + b.webhookTimeouts + b.webhookErrors);
const ingested = events.filter((e) => e.processedAt && !e.error).length;
const ingestErrors = events.filter((e) => e.error).length;
const webhooksSent = total((b) => b.webhookLatencies.length + b.webhookTimeouts + b.webhookErrors);
const achievedRps = all.length / runSeconds;
const growthPct = ((endRss - startRss) / startRss) * 100;
const warmupErrors =
  warmupBucket.non2xx +
  warmupBucket.timeouts +
  warmupBucket.socketErrors +
  warmupBucket.webhookFailed +
  warmupBucket.webhookTimeouts +
  warmupBucket.webhookErrors;
const result = {
  database: setting("DATABASE_URL") ? "postgres" : "pglite",
  jobs: worker ? "bullmq worker" : "in-process",
  rate,
  durationS: duration,
  windowS: windowSeconds,
  connections,
  headlessShare: round(headlessShare, 2),
  cores,
  storefront: {
    requests: all.length,
    achievedRps: round(achievedRps),
    non2xx: total((b) => b.non2xx),
    timeouts: total((b) => b.timeouts),
    socketErrors: total((b) => b.socketErrors),
    p50Ms: round(percentile(all, 50), 2),
    p99Ms: round(percentile(all, 99), 2),
    p999Ms: round(percentile(all, 99.9), 1),
    maxMs: round(all[all.length - 1] ?? NaN, 1),
    // autocannon's own histogram at a fixed rate (as bench:serve reports it): whole milliseconds,
    // with the requests a slow answer held back added in (its coordinated-omission correction).
    autocannonP50Ms: runResult.latency.p50,
    autocannonP99Ms: runResult.latency.p99,
    statusCodes: Object.fromEntries(statusCounts),
  },
  webhooks: {
    rate: webhookRate,
    sent: webhooksSent,
    acknowledged: allWebhooks.length - total((b) => b.webhookFailed),
    failed: total((b) => b.webhookFailed),
    timeouts: total((b) => b.webhookTimeouts),
    socketErrors: total((b) => b.webhookErrors),
    p50Ms: round(percentile(allWebhooks, 50), 1),
    p99Ms: round(percentile(allWebhooks, 99), 1),
    // Every delivery of the run, warm-up included, as stored by the server.
    stored: events.length,
    ingested,
    ingestErrors,
    ingestLagP50Ms: round(percentile(lags, 50)),
    ingestLagP99Ms: round(percentile(lags, 99)),
  },
  rss: {
    beforeWarmupMb: round(beforeWarmup.rssMb),
    startMb: round(startRss),
    endMb: round(endRss),
    growthPct: round(growthPct),
    peakMb: round(peakRssMb),
    slopeMbPerMin: round(slopeMbPerMin, 2),
    ...(worker ? { workerStartMb: round(samples[0].workerRssMb!), workerEndMb: round(samples[samples.length - 1].workerRssMb!) } : {}),
  },
  // Averages over the run, in % of one core.
  cpu: {
    serverPct: Math.round(cpu.serverPct),
    workerPct: Math.round(cpu.workerPct),
    loadGeneratorPct: Math.round(cpu.loadGeneratorPct),
    otherPct: Math.round(cpu.otherPct),
    machinePct: Math.round(cpu.machinePct),
  },
  warmup: {
    seconds: warmup,
    requests: warmupBucket.latencies.length,
    achievedRps: warmupResult ? Math.round(warmupResult.requests.average) : 0,
    errors: warmupErrors,
  },
  errorMessages: Object.fromEntries(errorMessages),
  failureSamples,
  windows,
  ...(unexpectedExit ? { unexpectedExit } : {}),
  goals: {
    serverStayedUp: !unexpectedExit,
    noErrors: storefrontErrors + webhookErrors + ingestErrors + warmupErrors === 0 && ingested === events.length,
    rssGrowthUnder10Pct: growthPct < 10,
    rateAchieved: achievedRps >= rate * 0.99,
  },
};

if (values.json) printJson(result);
else {
  const pad = (value: unknown, width: number) => String(value).padStart(width);
  console.log(
    `storefront soak, ${result.database}, jobs ${result.jobs}: ${rate} requests/s for ${duration} s (${connections} connections, ` +
      `${Math.round(headlessShare * 100)}% headless), ${webhookRate} orders/create webhooks/s; ${cores} cores`,
  );
  console.log(
    `${"window s".padEnd(11)}${pad("req/s", 7)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${pad("max ms", 8)}${pad("errors", 8)}${pad("webhooks", 10)}${pad("wh p99", 8)}${pad("wh err", 8)}${pad("RSS MB", 8)}${pad("server%", 9)}${pad("load%", 7)}${pad("other%", 8)}`,
  );
  for (const w of windows) {
    console.log(
      `${`${w.fromS}–${w.toS}`.padEnd(11)}${pad(w.rps, 7)}${pad(w.p50Ms, 8)}${pad(w.p99Ms, 8)}${pad(w.maxMs, 8)}${pad(w.non2xx + w.timeouts + w.socketErrors, 8)}` +
        `${pad(w.webhooks, 10)}${pad(w.webhookP99Ms, 8)}${pad(w.webhookErrors, 8)}${pad(w.rssMb, 8)}${pad(w.serverCpuPct, 9)}${pad(w.loadGeneratorCpuPct, 7)}${pad(w.otherCpuPct, 8)}`,
    );
  }
  const s = result.storefront;
  console.log(
    `storefront: ${s.requests} requests, ${s.achievedRps}/s achieved (target ${rate}/s); p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, p99.9 ${s.p999Ms} ms, max ${s.maxMs} ms ` +
      `(autocannon's histogram: p50 ${s.autocannonP50Ms} ms, p99 ${s.autocannonP99Ms} ms); errors: ${s.non2xx} non-2xx, ${s.timeouts} timeouts, ${s.socketErrors} socket errors`,
  );
  const h = result.webhooks;
  console.log(
    `webhooks: ${h.sent} sent, ${h.acknowledged} acknowledged (p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms), ${h.failed} non-200, ${h.timeouts} timeouts, ${h.socketErrors} socket errors; ` +
      `${h.ingested} of ${h.stored} stored ingested (${h.ingestErrors} with errors), ingestion lag p50 ${h.ingestLagP50Ms} ms, p99 ${h.ingestLagP99Ms} ms`,
  );
  const r = result.rss;
  console.log(
    `server RSS: ${r.beforeWarmupMb} MB before warm-up, ${r.startMb} MB at start (after warm-up), ${r.endMb} MB at end: ${r.growthPct >= 0 ? "+" : ""}${r.growthPct}% ` +
      `(goal under 10%); peak ${r.peakMb} MB; trend ${r.slopeMbPerMin} MB/min` +
      (worker ? `; worker ${r.workerStartMb} → ${r.workerEndMb} MB` : ""),
  );
  console.log(
    `CPU over the run, % of one core: server ${result.cpu.serverPct}${worker ? `, worker ${result.cpu.workerPct}` : ""}, load generator ${result.cpu.loadGeneratorPct}, ` +
      `other processes ${result.cpu.otherPct} (machine ${result.cpu.machinePct} of ${cores * 100})`,
  );
  console.log(`warm-up: ${result.warmup.requests} requests in ${warmup} s, ${result.warmup.errors} errors`);
  if (unexpectedExit) console.log(unexpectedExit);
  if (statusCounts.size)
    console.log(
      `non-2xx answers by status: ${JSON.stringify(result.storefront.statusCodes)}; first ones: ${JSON.stringify(failureSamples)}`,
    );
  if (errorMessages.size) console.log(`errors: ${JSON.stringify(result.errorMessages)}`);
  console.log(
    `goals: server stayed up ${result.goals.serverStayedUp ? "met" : "MISSED"}; no errors ${result.goals.noErrors ? "met" : "MISSED"}; RSS growth under 10% ${result.goals.rssGrowthUnder10Pct ? "met" : "MISSED"}; rate ${result.goals.rateAchieved ? "met" : "MISSED"}`,
  );
}
process.exit(Object.values(result.goals).every(Boolean) ? 0 : 1);
