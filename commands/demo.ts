import fs from "node:fs";
import type { PrismaClient } from "@prisma/client";
import { prepareDatabase } from "../app/db/migrate.server";
import { DEMO_SHOP_DOMAIN, demoModeStatus } from "../app/demo.server";
import { ensureShop } from "../app/models/shops.server";
import { importStoreSnapshot } from "../app/models/store-import.server";
import { serverOptionsFromEnv } from "../app/http/web-server.server";
import { generateDemoStore, summarizeDemoStore } from "../demo/generate";
import { runDemoCheck } from "../demo/check";
import { startStorefrontHarness } from "../storefront-harness/harness";
import { trainJob } from "../app/jobs/definitions/train";
import { waitForJobRun } from "../app/jobs/queue";
import { setting } from "../app/config/env.server";

// npm run demo [-- --check] [-- --reset] [-- --built]: a realistic store, trained models and the admin in
// demo mode on http://localhost:3000, with nothing to configure.
const args = new Set(process.argv.slice(2));
const unknown = [...args].filter((arg) => !["--check", "--reset", "--built"].includes(arg));
if (unknown.length)
  fail(
    `unknown option ${unknown.join(" ")}; use --check (headless), --reset (reload the store) and/or --built (serve the npm run build output)`,
  );

process.env.AFFINITY_DEMO = "1";
// --built serves the production build (npm run build) instead of compiling on request.
const options = { ...serverOptionsFromEnv(), dev: !args.has("--built") };
if (!options.dev && !fs.existsSync("build/server/index.js")) fail("--built serves the production build: run npm run build first");
// Demo mode never talks to Shopify, but the app's Shopify configuration must still be complete.
process.env.SHOPIFY_API_KEY ||= "affinity-demo";
process.env.SHOPIFY_API_SECRET ||= "affinity-demo-secret";
process.env.SHOPIFY_APP_URL ||= `http://localhost:${options.port}`;
process.env.SCOPES ||= "read_products,read_inventory,read_orders,read_customers";
const demo = demoModeStatus({ ...process.env, HOST: options.host });
if (demo.refusal) fail(demo.refusal);

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (message: string) => console.log(`[demo ${elapsed()}] ${message}`);

log("applying database migrations");
try {
  await prepareDatabase();
} catch (error) {
  fail((error as Error).message);
}

// Opening the database takes the embedded database's lock, so it waits until migrations are done.
const { processDatabase } = await import("../app/db.server");
const { processJobQueue } = await import("../app/jobs/runtime");
const { shutdownProcess } = await import("../app/services/registry.server");
const { startWebProcess } = await import("../workers/web");
const { prisma } = processDatabase();
let shop = await ensureShop(prisma, DEMO_SHOP_DOMAIN, { name: "Affinity Outfitters (demo)", currency: "USD" });
if (args.has("--reset")) {
  log("--reset: deleting the demo store");
  await prisma.shop.delete({ where: { id: shop.id } });
  shop = await ensureShop(prisma, DEMO_SHOP_DOMAIN, { name: "Affinity Outfitters (demo)", currency: "USD" });
}

if ((await prisma.order.count({ where: { shopId: shop.id } })) === 0) {
  const store = generateDemoStore();
  log(`generated ${describe(summarizeDemoStore(store))}; loading it`);
  const counts = await importStoreSnapshot(prisma, shop.id, store, "DEMO", (fraction, message) =>
    log(`  ${Math.round(fraction * 100)}% ${message}`),
  );
  log(`loaded ${describe(counts)}`);
  // A tenth of shoppers in the holdout (the default is 5%), so that the visits played below give
  // the lift enough holdout shoppers to compare with; the merchant's settings page shows it.
  await prisma.shopSettings.update({ where: { shopId: shop.id }, data: { holdoutShare: 0.1 } });
} else {
  log("demo store already loaded (npm run demo -- --reset reloads it)");
}

if (!(await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).activeModelVersionId || args.has("--reset")) {
  log("training");
  const run = await processJobQueue().enqueue(trainJob, { shopId: shop.id });
  const finished = await waitForJobRun(prisma, run.id);
  if (finished.status !== "SUCCEEDED") fail(`training failed: ${finished.error}`);
  log(`trained: ${JSON.stringify(finished.result)}`);
}

const storefrontPort = setting("STOREFRONT_PORT") ?? options.port + 1;
process.env.AFFINITY_STOREFRONT_URL = `http://localhost:${storefrontPort}`;
const server = await startWebProcess(options);
const storefront = await startStorefrontHarness({
  db: prisma,
  shopId: shop.id,
  appOrigin: server.origin,
  secret: setting("SHOPIFY_API_SECRET")!,
  host: options.host,
  port: storefrontPort,
});
await playVisitsUnlessRecent(prisma, shop.id, args.has("--reset"));
log(`admin:      ${server.url}/app`);
log(`storefront: ${storefront.url} (the theme blocks on a local storefront; /login signs in as a customer)`);
log(`JSON:       ${server.url}/preview/recommendations?placement=trending`);

if (args.has("--check")) {
  try {
    await runDemoCheck(prisma, shop.id, server.origin, storefront.url, log);
    log("check passed");
  } catch (error) {
    console.error(`[demo] check failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
  await storefront.close();
  await server.close();
  await shutdownProcess();
  process.exit();
}

/**
 * Shoppers on the blocks, so that the admin's revenue, click-through and lift are populated: played
 * when the home page's period (30 days) has no impressions, as on a new or a month-old data folder.
 */
async function playVisitsUnlessRecent(db: PrismaClient, shopId: string, reset: boolean) {
  const since = new Date(Date.now() - 30 * 86_400_000);
  const recent = await db.recommendationEvent.count({ where: { shopId, kind: "IMPRESSION", occurredAt: { gte: since } } });
  if (recent && !reset) return log(`shoppers' visits already played (${recent.toLocaleString("en-US")} impressions in the last 30 days)`);
  log("playing three weeks of shoppers' visits through the storefront's answers, events and order webhooks");
  const { playShopperVisits } = await import("../demo/shoppers");
  const started = Date.now();
  const played = await playShopperVisits(db, shopId, setting("SHOPIFY_API_SECRET")!);
  const { holdoutVisits, addToCarts, ...rest } = played;
  log(
    `played in ${((Date.now() - started) / 1000).toFixed(1)} s: ${describe({ ...rest, "visits in the holdout": holdoutVisits, "add-to-carts": addToCarts })}`,
  );
}

function describe(counts: Record<string, number>) {
  return Object.entries(counts)
    .map(([name, count]) => `${count.toLocaleString("en-US")} ${name}`)
    .join(", ");
}

function fail(message: string): never {
  console.error(`[demo] ${message}`);
  process.exit(1);
}
