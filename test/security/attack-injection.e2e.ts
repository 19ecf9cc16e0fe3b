import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP_DOMAIN } from "../../app/demo.server";
import { createApiKey } from "../../app/models/api-keys.server";
import { ensureShop } from "../../app/models/shops.server";
import { importStoreSnapshot } from "../../app/models/store-import.server";
import { trainShop } from "../../app/models/training.server";
import { generateDemoStore } from "../../demo/generate";
import { startStorefrontHarness, type RunningHarness } from "../../storefront-harness/harness";
import { startTestApp, type TestApp } from "../helpers/app";
import { launchBrowser } from "../helpers/browser";

/**
 * Merchant- and shopper-supplied text set to markup and script URLs, rendered by the storefront
 * blocks (the theme app extension in the local storefront) and by the admin pages, in Chromium:
 * nothing of it runs, it shows as text, and no product link leaves the store.
 */

const SECRET = "attack-injection-secret";
const PAYLOADS = [
  `<img src=x onerror="window.__pwned=1">`,
  `"><script>window.__pwned=1</script>`,
  `'><svg onload=window.__pwned=1>`,
  `</script><script>window.__pwned=1</script>`,
  `javascript:window.__pwned=1`,
  `{{ 'x' | append: '<img src=x onerror=window.__pwned=1>' }}`,
];
/** Handles a crafted catalogue might carry, each trying to turn the card's link into a script or another site. */
const HANDLES = [
  "javascript:window.__pwned=1",
  "//evil.example/steal",
  "../../cart/clear",
  "https://evil.example/",
  "\\\\evil.example",
  "data:text/html,<script>window.__pwned=1</script>",
];

let app: TestApp;
let harness: RunningHarness;
let browser: Browser;
let context: BrowserContext;
let shopId: string;
let customerExternalId: string;
let previewQuery: string;
let productPath: string;

const payload = (index: number) => PAYLOADS[index % PAYLOADS.length];

beforeAll(async () => {
  app = await startTestApp({ name: "attack-injection", secret: SECRET, demo: true });
  const { db } = app;
  shopId = (await ensureShop(db, DEMO_SHOP_DOMAIN, { name: `Shop ${PAYLOADS[0]}`, currency: "USD" })).id;
  await importStoreSnapshot(db, shopId, generateDemoStore({ seed: 31, products: 30, customers: 50, orders: 400 }), "DEMO");
  await db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0 } });

  // Every text a merchant or shopper controls carries markup.
  const products = await db.product.findMany({ where: { shopId }, orderBy: { externalId: "asc" } });
  const sellers = await db.orderLine.groupBy({
    by: ["productId"],
    where: { shopId, productId: { not: null } },
    _sum: { quantity: true },
    orderBy: { _sum: { quantity: "desc" } },
    take: HANDLES.length,
  });
  for (const [index, product] of products.entries()) {
    const crafted = sellers.findIndex((seller) => seller.productId === product.id);
    await db.product.update({
      where: { id: product.id },
      data: {
        title: `${payload(index)} #${index}`,
        vendor: payload(index + 1),
        productType: payload(index + 2),
        tags: [payload(index + 3), payload(index + 4)],
        description: `${payload(index + 5)} ${payload(index)}`,
        imageAlt: payload(index + 1),
        // Images are not shopper text, but a crafted URL must not break out of the attribute either.
        imageUrl: index % 3 === 0 ? `x" onerror="window.__pwned=1` : index % 3 === 1 ? "javascript:window.__pwned=1" : product.imageUrl,
        ...(crafted >= 0 ? { handle: HANDLES[crafted] } : {}),
      },
    });
  }
  await db.$executeRaw`UPDATE "Collection" SET title = ${PAYLOADS[0]} || ' ' || title WHERE "shopId" = ${shopId}`;
  const customers = await db.customer.findMany({ where: { shopId }, select: { id: true } });
  for (const [index, customer] of customers.entries()) {
    await db.customer.update({
      where: { id: customer.id },
      data: {
        firstName: payload(index),
        lastName: payload(index + 1),
        email: `${index}"><img src=x onerror=window.__pwned=1>@example.com`,
      },
    });
  }
  const searches = customers.slice(0, 10).map((customer, index) => ({
    shopId,
    kind: "SEARCH" as const,
    customerId: customer.id,
    query: payload(index),
    occurredAt: new Date(),
    source: "PIXEL" as const,
    dedupeKey: `attack-search-${index}`,
  }));
  await db.interaction.createMany({ data: searches });
  await trainShop(db, shopId);

  const [best] = await db.orderLine.groupBy({
    by: ["productId"],
    where: { shopId, productId: { not: null } },
    _count: { _all: true },
    orderBy: { _count: { productId: "desc" } },
    take: 1,
  });
  const products2 = await db.product.findMany({ where: { shopId, handle: { not: null } }, orderBy: { externalId: "asc" } });
  const bought = await db.boughtTogetherPair.findFirst({ where: { shopId }, orderBy: { lift: "desc" } });
  const shown =
    products2.find((product) => product.id === (bought?.productId ?? best.productId) && !HANDLES.includes(product.handle!)) ??
    products2.find((product) => !HANDLES.includes(product.handle!))!;
  productPath = `/products/${encodeURIComponent(shown.handle!)}`;
  const buyer = await db.order.groupBy({
    by: ["customerId"],
    where: { shopId, customerId: { not: null } },
    _count: { _all: true },
    orderBy: { _count: { customerId: "desc" } },
    take: 1,
  });
  const customer = await db.customer.findUniqueOrThrow({ where: { id: buyer[0].customerId! } });
  customerExternalId = customer.externalId;
  previewQuery = `?customer=${customer.id}&product=${shown.id}`;

  // The merchant's own entries in the admin.
  await db.merchandisingRule.create({ data: { shopId, kind: "EXCLUDE", targetType: "TAG", targetValue: PAYLOADS[1] } });
  await db.merchandisingRule.create({ data: { shopId, kind: "BOOST", targetType: "VENDOR", targetValue: PAYLOADS[4], weight: 2 } });
  await db.promotion.create({
    data: {
      shopId,
      name: PAYLOADS[0].slice(0, 80),
      targetType: "COLLECTION",
      targetValue: PAYLOADS[2],
      weight: 2,
      startsAt: new Date(Date.now() - 86_400_000),
      endsAt: new Date(Date.now() + 86_400_000 * 20),
    },
  });
  await db.seasonalityCurve.create({
    data: { shopId, targetType: "TAG", targetValue: PAYLOADS[3], source: "MERCHANT", months: Array.from({ length: 12 }, () => 1.2) },
  });
  await db.jobRun.create({ data: { shopId, name: PAYLOADS[0], status: "FAILED", message: PAYLOADS[1] } });
  await db.privacyRequest.create({
    data: { shopDomain: DEMO_SHOP_DOMAIN, shopId, kind: "CUSTOMERS_REDACT", customerExternalId: PAYLOADS[3] },
  });
  const key = await createApiKey(db, shopId, { name: PAYLOADS[1] });
  if (!("key" in key)) throw new Error("no key");

  harness = await startStorefrontHarness({ db, shopId, appOrigin: app.server.origin, secret: SECRET });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await harness?.close();
  await app?.stop();
});

/** A fresh browser session that records every dialog and script error, signed in to the storefront as `as`. */
async function session(as?: string) {
  await context?.close();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (as) await context.addCookies([{ name: "customer", value: as, url: harness.url }]);
  // Nothing may reach another site, whatever a link or image names.
  await context.route(/^https?:\/\/(?!(127\.0\.0\.1|localhost)[:/])/, (route) => route.abort());
  return context;
}

async function open(path: string, base: string) {
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const response = await page.goto(base + path, { waitUntil: "networkidle" });
  expect(response?.status(), path).toBe(200);
  return { page, dialogs };
}

/**
 * Nothing ran: no flag, no dialog, and no script element, event handler or script URL made of a
 * payload in the document (the pages' own serialized data may hold the payloads as strings).
 */
async function expectInert(page: Page, dialogs: string[], where: string) {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), `${where}: a payload ran`).toBeUndefined();
  expect(dialogs, where).toEqual([]);
  const planted = await page.evaluate(() => ({
    scripts: [...document.scripts].filter((script) => script.textContent?.trim() === "window.__pwned=1").length,
    handlers: [...document.querySelectorAll("*")].filter((element) =>
      [...element.attributes].some((attribute) => attribute.name.startsWith("on") && attribute.value.includes("__pwned")),
    ).length,
    scriptUrls: [...document.querySelectorAll("a[href], area[href], form[action], iframe[src], embed[src], object[data]")].filter(
      (element) =>
        /^\s*javascript:/i.test(
          element.getAttribute("href") ??
            element.getAttribute("action") ??
            element.getAttribute("src") ??
            element.getAttribute("data") ??
            "",
        ),
    ).length,
  }));
  expect(planted, where).toEqual({ scripts: 0, handlers: 0, scriptUrls: 0 });
}

async function settleBlocks(page: Page) {
  const height = await page.evaluate(() => document.body.scrollHeight);
  for (let y = 0; y <= height + 800; y += 400) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(20);
  }
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll("affinity-recommendations")].every(
        (block) => (block as HTMLElement).hidden || block.classList.contains("afr--ready"),
      ),
    null,
    { timeout: 20_000 },
  );
}

describe("injection through the storefront blocks", () => {
  it("shows markup in titles, names and URLs as text, runs none of it, and keeps every product link in the store", async () => {
    await session(customerExternalId);
    const storeOrigin = new URL(harness.url).origin;
    let cards = 0;
    const craftedLinks = new Set<string>();
    for (const path of ["/", productPath, "/cart", "/account"]) {
      const { page, dialogs } = await open(path, harness.url);
      await settleBlocks(page);
      const rendered = await page.$$eval(
        "affinity-recommendations.afr--ready .afr-card:not([data-afr-main]):not(.afr-card--skeleton)",
        (elements) =>
          elements.map((card) => ({
            title: card.querySelector(".afr-card__title")!.textContent!.trim(),
            links: [...card.querySelectorAll("a")].map((link) => ({ href: link.href, raw: link.getAttribute("href")! })),
          })),
      );
      expect(rendered.length, `${path} rendered no cards`).toBeGreaterThan(0);
      for (const card of rendered) {
        cards += 1;
        // The title as stored, shown as text: every card title is one of the payloads.
        expect(
          PAYLOADS.some((text) => card.title.startsWith(text)),
          `${path}: ${card.title}`,
        ).toBe(true);
        for (const link of card.links) {
          const url = new URL(link.href);
          expect([url.protocol, url.origin], `${path}: ${link.raw}`).toEqual(["http:", storeOrigin]);
          expect(url.pathname.startsWith("/products/"), `${path}: ${link.raw}`).toBe(true);
          if (HANDLES.some((handle) => link.raw.includes(encodeURIComponent(handle)) || link.raw.includes(handle)))
            craftedLinks.add(link.raw);
        }
      }
      await expectInert(page, dialogs, `storefront ${path}`);
      await page.close();
    }
    expect(cards).toBeGreaterThan(4);
    // A handle Shopify could not have names no product `all_products` can find, so the Liquid
    // answer leaves such a product out of the blocks' cards altogether.
    expect([...craftedLinks], "a card linked to a crafted handle").toEqual([]);
    // The JSON answer (admin preview, other callers) still lists them, each link one encoded path segment.
    const jsonPage = (await open("/", harness.url)).page;
    const json = await jsonPage.evaluate(
      async () =>
        (await (
          await fetch("/apps/affinity/recommendations?placement=trending&limit=12", { headers: { Accept: "application/json" } })
        ).json()) as { products: { handle: string; url: string }[] },
    );
    await jsonPage.close();
    const listed = json.products.filter((product) => HANDLES.includes(product.handle));
    expect(listed.length, "the JSON answer lists no product with a crafted handle").toBeGreaterThan(0);
    for (const product of listed) expect(product.url).toBe(`/products/${encodeURIComponent(product.handle)}`);

    // Following a crafted link stays in the store and runs nothing.
    const { page, dialogs } = await open("/", harness.url);
    await settleBlocks(page);
    const crafted = page.locator("affinity-recommendations.afr--ready .afr-card__title a").filter({ hasText: "#" }).first();
    await crafted.click();
    await page.waitForLoadState("domcontentloaded");
    expect(new URL(page.url()).origin).toBe(storeOrigin);
    await expectInert(page, dialogs, "after following a card");
  });
});

describe("injection through the admin pages", () => {
  it("shows the markup in every page as text and runs none of it", async () => {
    await session();
    const pages = [
      "/app",
      `/app/preview${previewQuery}`,
      "/app/pairs",
      "/app/rules",
      "/app/insights",
      "/app/seasonality",
      "/app/settings",
      "/app/placements",
    ];
    for (const path of pages) {
      const { page, dialogs } = await open(path, app.server.origin);
      await page.locator("h1").first().waitFor({ timeout: 10_000 });
      await page.waitForTimeout(200);
      const text = await page.locator("body").innerText();
      expect(
        PAYLOADS.slice(0, 4).some((markup) => text.includes(markup)),
        `${path} shows no payload as text`,
      ).toBe(true);
      await expectInert(page, dialogs, `admin ${path}`);
      await page.close();
    }
  });
});
