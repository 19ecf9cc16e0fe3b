import { parseArgs } from "node:util";
import type { ServerBuild } from "@remix-run/node";
import { prepareBenchEnvironment } from "../bench/environment";
import { signedProxyPath } from "../bench/storefront";

// npx tsx storefront-harness/bench.ts [-- --requests 500 --json]
// The cost of market-correct cards to a block: the app proxy's answer as JSON against the same
// answer as Liquid, rendered by the storefront harness in the shopper's market, over loopback, one
// request at a time (latency, not throughput), the two forms interleaved so that both see the same
// machine. Also each form straight from the app (signed, no harness), which separates the app's
// share from the rendering. The app runs its production routing (server.ts's fast path) over
// Vite's build of the current sources, on a fresh embedded database with a generated store.
// Shopify's own Liquid rendering cannot be measured here: the harness's liquidjs stands in for it.
const { values } = parseArgs({ options: { requests: { type: "string", default: "500" }, json: { type: "boolean", default: false } } });
const requests = Number(values.requests);
if (!Number.isInteger(requests) || requests < 10 || requests > 20_000) {
  console.error("bench: --requests must be a whole number from 10 to 20000");
  process.exit(1);
}
const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`[bench:proxy] ${message}\n`);

const SECRET = "bench-proxy-secret";
const SHOP = "bench-proxy.myshopify.com";
const removeDatabase = await prepareBenchEnvironment({
  name: "bench-proxy",
  secret: SECRET,
  production: false,
  scopes: "read_products,read_orders",
});
const { processDatabase } = await import("../app/db.server");
const { prisma } = processDatabase();
const shopId = await prepareStore();
const { startServer } = await import("../app/http/web-server.server");
const { createServer } = await import("vite");
const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: "custom", logLevel: "silent" });
const build = (await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild;
const app = await startServer({ host: "127.0.0.1", port: 0, dev: false, build });
const { startStorefrontHarness } = await import("./harness");
const harness = await startStorefrontHarness({ db: prisma, shopId, appOrigin: app.origin, secret: SECRET });

const products = await prisma.product.findMany({
  where: { shopId, available: true },
  select: { externalId: true },
  orderBy: { externalId: "asc" },
});
const customers = await prisma.customer.findMany({
  where: { shopId },
  select: { externalId: true },
  orderBy: { externalId: "asc" },
  take: 200,
});

/** The i-th storefront question: for you (signed-in), related to a product, or trending. */
function question(i: number): { query: Record<string, string>; customer: string | null } {
  const customer = customers[(i * 7) % customers.length].externalId;
  const product = products[(i * 13) % products.length].externalId;
  if (i % 3 === 0) return { query: { placement: "for_you", limit: "8" }, customer };
  if (i % 3 === 1) return { query: { placement: "related", product_id: product, limit: "8" }, customer: null };
  return { query: { placement: "trending", limit: "8" }, customer: null };
}

/** Milliseconds for one GET, after reading the whole body; fails on anything but 200. */
async function timed(url: string, headers: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const body = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 300)}`);
  return elapsed;
}

const FORMS = {
  "JSON, through the harness": (i: number) => viaHarness(i, "", false),
  "Liquid, through the harness (primary market)": (i: number) => viaHarness(i, "", true),
  "Liquid, through the harness (France, /fr)": (i: number) => viaHarness(i, "/fr", true),
  "JSON, from the app": (i: number) => fromApp(i, false),
  "Liquid, from the app (before rendering)": (i: number) => fromApp(i, true),
};

function viaHarness(i: number, prefix: string, liquid: boolean) {
  const { query, customer } = question(i);
  const search = new URLSearchParams({ ...query, ...(liquid ? { format: "liquid" } : {}) });
  return timed(`${harness.url}${prefix}/apps/affinity/recommendations?${search}`, {
    Cookie: `_shopify_y=bench-${i % 50}; cart=bench-cart${customer ? `; customer=${customer}` : ""}`,
  });
}

function fromApp(i: number, liquid: boolean) {
  const { query, customer } = question(i);
  return timed(
    app.origin +
      signedProxyPath({ ...query, ...(liquid ? { format: "liquid" } : {}), logged_in_customer_id: customer ?? "" }, SHOP, SECRET),
  );
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

try {
  // Warm-up: every form once per question kind, so that caches and lazy imports are in place.
  for (let i = 0; i < 30; i++) for (const run of Object.values(FORMS)) await run(i);
  const samples = Object.fromEntries(Object.keys(FORMS).map((name) => [name, [] as number[]]));
  for (let i = 0; i < requests; i++) for (const [name, run] of Object.entries(FORMS)) samples[name].push(await run(i));
  samples["Liquid render alone, in process (France)"] = await renderAlone(requests);
  const results = Object.entries(samples).map(([name, times]) => {
    const sorted = [...times].sort((a, b) => a - b);
    return {
      name,
      requests: sorted.length,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      meanMs: round(times.reduce((sum, t) => sum + t, 0) / times.length),
    };
  });
  if (values.json) process.stdout.write(`${JSON.stringify({ requests, results }, null, 2)}\n`);
  else
    for (const result of results)
      log(
        `${result.name.padEnd(46)} p50 ${result.p50Ms.toFixed(2)} ms   p99 ${result.p99Ms.toFixed(2)} ms   mean ${result.meanMs.toFixed(2)} ms   (${result.requests})`,
      );
} finally {
  await harness.close();
  await app.close();
  await vite.close();
  const { shutdownProcess } = await import("../app/services/registry.server");
  await shutdownProcess();
  removeDatabase();
}

/** The harness's render of one Liquid answer (8 products asked), timed alone `count` times: liquidjs's parse and render, no HTTP. */
async function renderAlone(count: number): Promise<number[]> {
  const [{ StorefrontLiquid }, { Catalogue }, { FRANCE, MarketOffers }, objects] = await Promise.all([
    import("./liquid"),
    import("./catalogue"),
    import("./markets"),
    import("./objects"),
  ]);
  const catalogue = await Catalogue.load(prisma, shopId);
  const offers = new MarketOffers(FRANCE, catalogue.products());
  const response = await fetch(app.origin + signedProxyPath({ placement: "trending", limit: "8", format: "liquid" }, SHOP, SECRET));
  const template = await response.text();
  const liquid = new StorefrontLiquid();
  const find = (handle: string) => {
    const offer = offers.offer(handle);
    return offer?.sold ? objects.productObject(catalogue.byHandle(handle)!, FRANCE, offer) : undefined;
  };
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const globals = {
      cart: { currency: { iso_code: "EUR" } },
      ...objects.marketGlobals(FRANCE, "fr"),
      all_products: new objects.AllProductsDrop(find),
    };
    const started = performance.now();
    JSON.parse(await liquid.renderText(template, globals));
    times.push(performance.now() - started);
  }
  return times;
}

function round(ms: number) {
  return Math.round(ms * 100) / 100;
}

/** A generated store (120 products, 400 customers, 4,000 orders), trained: the shop's row id. */
async function prepareStore(): Promise<string> {
  const { ensureShop } = await import("../app/models/shops.server");
  const { importStoreSnapshot } = await import("../app/models/store-import.server");
  const { trainShop } = await import("../app/models/training.server");
  const { generateDemoStore } = await import("../demo/generate");
  const id = (await ensureShop(prisma, SHOP, { name: "Bench Outfitters", currency: "USD" })).id;
  const started = performance.now();
  await importStoreSnapshot(prisma, id, generateDemoStore({ seed: 11, products: 120, customers: 400, orders: 4_000 }), "DEMO");
  await prisma.$executeRaw`UPDATE "Product" SET "imageUrl" = '/cdn/shop/files/' || handle || '.svg' WHERE "shopId" = ${id}`;
  await trainShop(prisma, id);
  log(`store loaded and trained in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return id;
}
