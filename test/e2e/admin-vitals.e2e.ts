import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP_DOMAIN } from "../../app/demo.server";
import { ensureShop } from "../../app/models/shops.server";
import { importStoreSnapshot } from "../../app/models/store-import.server";
import { trainShop } from "../../app/models/training.server";
import { startServer, type RunningServer } from "../../app/http/web-server.server";
import { generateDemoStore } from "../../demo/generate";
import { startTestApp, type TestApp } from "../helpers/app";
import { launchBrowser } from "../helpers/browser";

/**
 * The admin's Core Web Vitals as Built for Shopify judges them (LCP ≤ 2.5 s, CLS ≤ 0.1,
 * INP ≤ 200 ms), measured in Chromium by Google's web-vitals library on every page of the
 * production build of the current sources, on a repeat visit (assets cached, the document
 * fetched again: how a merchant opens the app day to day; the first visit's figures are printed
 * beside them), under:
 * - CPU: 2× slowdown (Emulation.setCPUThrottlingRate) of this machine's cores, a merchant's
 *   modest laptop; VITALS_CPU_SLOWDOWN=4 plays a low-end device (docs/admin.md has both);
 * - network: Chrome DevTools' "Fast 3G" profile (Network.emulateNetworkConditions):
 *   562.5 ms latency, 1.44 Mbit/s down, 675 kbit/s up.
 * INP comes from real interactions: typing into the page's first text field, if it has one,
 * and clicking the navigation link to the next page.
 */
const PAGES = ["/app", "/app/placements", "/app/seasonality", "/app/rules", "/app/pairs", "/app/preview", "/app/insights", "/app/settings"];
const NAV_LABELS: Record<string, string> = {
  "/app": "Home",
  "/app/placements": "Placements",
  "/app/seasonality": "Seasonality and promotions",
  "/app/rules": "Rules",
  "/app/pairs": "Bought together",
  "/app/preview": "Preview",
  "/app/insights": "Insights",
  "/app/settings": "Settings",
};
const BUDGET = { lcpMs: 2_500, cls: 0.1, inpMs: 200 };
const CPU_SLOWDOWN = Number(process.env.VITALS_CPU_SLOWDOWN ?? 2);
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: (1_600_000 / 8) * 0.9, uploadThroughput: (750_000 / 8) * 0.9 };

const ROOT = path.resolve(import.meta.dirname, "../..");
// Inside the repository, so that the build's bare imports (Prisma, PGlite) resolve from node_modules.
const BUILD_DIR = path.join(ROOT, "node_modules/.cache/affinity-admin-vitals");
// The package's browser build with attribution (a global `webVitals`); its exports map does not name the file.
const WEB_VITALS = path.join(ROOT, "node_modules/web-vitals/dist/web-vitals.attribution.iife.js");
if (!fs.existsSync(WEB_VITALS)) throw new Error(`no ${WEB_VITALS}: run npm install (web-vitals is a devDependency)`);

let app: TestApp;
let server: RunningServer;
let browser: Browser;

/** `remix vite:build` of the current sources into BUILD_DIR (vite.config.ts reads AFFINITY_BUILD_DIR). */
async function buildAdmin() {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: ROOT,
    env: { ...process.env, AFFINITY_BUILD_DIR: BUILD_DIR, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`the production build failed (exit ${code}):\n${output.slice(-3000)}`);
}

/** The production server (compression, immutable assets) over that build. */
async function startBuiltServer(): Promise<RunningServer> {
  const build = (await import(pathToFileURL(path.join(BUILD_DIR, "server/index.js")).href)) as ServerBuild;
  return startServer({
    host: "127.0.0.1",
    port: 0,
    dev: false,
    build,
    // startServer serves build/client; this build's assets sit elsewhere, served the same way.
    before: (express_) =>
      express_.use("/assets", compression(), express.static(path.join(BUILD_DIR, "client/assets"), { immutable: true, maxAge: "1y" })),
  });
}

beforeAll(async () => {
  app = await startTestApp({ name: "admin-vitals", secret: "admin-vitals-secret", demo: true });
  const seed = (async () => {
    const shopId = (await ensureShop(app.db, DEMO_SHOP_DOMAIN, { name: "Affinity Outfitters (demo)", currency: "USD" })).id;
    await importStoreSnapshot(app.db, shopId, generateDemoStore({ seed: 21, products: 120, customers: 400, orders: 4_000 }), "DEMO");
    await trainShop(app.db, shopId);
  })();
  await Promise.all([seed, buildAdmin()]);
  server = await startBuiltServer();
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await app?.stop();
});

interface Vitals {
  lcpMs: number | null;
  cls: number | null;
  inpMs: number | null;
  /** The LCP element and the slowest interaction's target, as web-vitals' attribution names them. */
  lcpOn?: string;
  inpOn?: string;
}

/** web-vitals in the page before anything else runs, every change kept on window.__vitals. */
const RECORD_VITALS = `
  window.__vitals = {};
  const keep = (metric) => {
    window.__vitals[metric.name] = metric.value;
    // What the figure is about: the LCP element, the slowest interaction's target.
    const where = metric.attribution && (metric.attribution.target || metric.attribution.interactionTarget || metric.attribution.largestShiftTarget);
    if (where) window.__vitals[metric.name + "_on"] = where;
    // Where an interaction's time went: waiting for the main thread, handlers, or the next paint.
    if (metric.name === "INP" && metric.attribution) {
      const a = metric.attribution;
      window.__vitals.INP_on += " (" + [a.interactionType, "delay " + Math.round(a.inputDelay), "handlers " + Math.round(a.processingDuration), "paint " + Math.round(a.presentationDelay)].join(", ") + " ms)";
    }
  };
  webVitals.onLCP(keep, { reportAllChanges: true });
  webVitals.onCLS(keep, { reportAllChanges: true });
  webVitals.onINP(keep, { reportAllChanges: true, durationThreshold: 16 });
`;

interface Recorded {
  LCP?: number;
  CLS?: number;
  INP?: number;
  LCP_on?: string;
  INP_on?: string;
}
const readVitals = (page: Page) => page.evaluate(() => (window as unknown as { __vitals: Recorded }).__vitals);

/**
 * The page as the merchant leaves it: web-vitals reports its final CLS and INP when the page is
 * hidden (its own tests stub the visibility the same way), so a page with no layout shift at all
 * reports its 0 rather than nothing.
 */
const hidePage = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  });

/** The interactions INP is taken from: a keystroke into the first text field (forms), then a click on the next page's link. */
async function interact(page: Page, next: string) {
  const field = page.locator("form input[type=text], form input[type=number]").first();
  if (await field.count()) {
    await field.click();
    await page.keyboard.type("1");
    await page.waitForTimeout(300);
  }
  await page.getByRole("navigation", { name: "Affinity" }).getByRole("link", { name: NAV_LABELS[next], exact: true }).click();
  await page.waitForTimeout(1_000);
}

/** Loads the page and waits until it is hydrated and the main thread has gone idle (as a merchant's first click would). */
async function load(page: Page, pathname: string) {
  const response = await page.goto(server.origin + pathname, { waitUntil: "networkidle", timeout: 60_000 });
  expect(response?.status(), pathname).toBe(200);
  // Hydrated: React has attached itself to the navigation (a click before would reload the page).
  await page.waitForFunction(
    () => Object.keys(document.querySelector("nav a") ?? {}).some((key) => key.startsWith("__reactFiber")),
    undefined,
    { timeout: 60_000 },
  );
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => resolve(null), { timeout: 5_000 })));
}

/**
 * A first visit (cold: nothing cached) and a repeat visit (the assets, served immutable, come
 * from the cache; the document is fetched again), as a merchant opens the app day to day.
 */
async function measure(pathname: string, next: string): Promise<{ cold: Vitals; warm: Vitals }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // One script: the library's global is only seen by code run in the same init script.
  await context.addInitScript(fs.readFileSync(WEB_VITALS, "utf8") + RECORD_VITALS);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  try {
    const visit = async (): Promise<Vitals> => {
      await load(page, pathname);
      const loaded = await readVitals(page);
      await interact(page, next);
      await hidePage(page);
      const after = await readVitals(page);
      return { lcpMs: loaded.LCP ?? null, cls: after.CLS ?? null, inpMs: after.INP ?? null, lcpOn: loaded.LCP_on, inpOn: after.INP_on };
    };
    const cold = await visit();
    const warm = await visit();
    return { cold, warm };
  } finally {
    await context.close();
  }
}

const format = (vitals: Vitals) =>
  `${vitals.lcpMs === null ? "–" : (vitals.lcpMs / 1000).toFixed(2) + " s"} | ${vitals.cls?.toFixed(3) ?? "–"} | ${vitals.inpMs === null ? "–" : Math.round(vitals.inpMs) + " ms"}`;

describe(`the admin's Web Vitals (${CPU_SLOWDOWN}× CPU, Fast 3G, production build)`, () => {
  const results: Record<string, { cold: Vitals; warm: Vitals }> = {};

  afterAll(() => {
    const rows = Object.entries(results).map(([page, { cold, warm }]) => `| ${page} | ${format(warm)} | ${format(cold)} |`);
    // The machine's load matters under a CPU slowdown: it is printed with the figures.
    const load = os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(" / ");
    console.log(
      [
        `load average ${load} on ${os.cpus().length} CPUs`,
        "| page | LCP | CLS | INP | LCP, first visit | CLS, first visit | INP, first visit |",
        "|---|---|---|---|---|---|---|",
        ...rows,
      ].join("\n"),
    );
  });

  PAGES.forEach((pathname, index) => {
    it(`${pathname}: LCP ≤ 2.5 s, CLS ≤ 0.1, INP ≤ 200 ms`, async () => {
      const { cold, warm } = await measure(pathname, PAGES[(index + 1) % PAGES.length]);
      results[pathname] = { cold, warm };
      console.log(`[vitals] ${pathname}: repeat visit ${format(warm)} (LCP ${warm.lcpOn}, INP ${warm.inpOn}); first visit ${format(cold)}`);
      const vitals = warm;
      expect(vitals.lcpMs, "LCP measured").not.toBeNull();
      expect(vitals.inpMs, "INP measured (an interaction happened)").not.toBeNull();
      expect(vitals.lcpMs!).toBeLessThanOrEqual(BUDGET.lcpMs);
      expect(vitals.cls, "CLS measured").not.toBeNull();
      expect(vitals.cls!).toBeLessThanOrEqual(BUDGET.cls);
      expect(vitals.inpMs!).toBeLessThanOrEqual(BUDGET.inpMs);
    }, 180_000);
  });
});
