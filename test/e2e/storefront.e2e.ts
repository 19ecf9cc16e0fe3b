import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recommendationService } from "../../app/models/recommendations/index.server";
import { ensureShop } from "../../app/models/shops.server";
import { importStoreSnapshot } from "../../app/models/store-import.server";
import { trainShop } from "../../app/models/training.server";
import { generateDemoStore } from "../../demo/generate";
import { startStorefrontHarness, type RunningHarness } from "../../storefront-harness/harness";
import { roundUpTo95, type Offer } from "../../storefront-harness/markets";
import { startTestApp, type TestApp } from "../helpers/app";
import { launchBrowser, saveScreenshot, VIEWPORTS, watchErrors } from "../helpers/browser";

const SECRET = "storefront-e2e-secret";
const SHOP = "storefront-e2e.myshopify.com";

let app: TestApp;
let harness: RunningHarness;
let browser: Browser;
let shopId: string;
/** A customer with repeat purchases (so "Buy it again" has something to show), by store id. */
let customer: string;
/** A best-selling product's handle (so "Frequently bought together" has pairs). */
let productHandle: string;

interface BlockState {
  placement: string;
  hidden: boolean;
  ready: boolean;
  titles: string[];
}

beforeAll(async () => {
  app = await startTestApp({ name: "storefront-e2e", secret: SECRET });
  const { db } = app;
  shopId = (await ensureShop(db, SHOP, { name: "Harness Outfitters", currency: "USD" })).id;
  await importStoreSnapshot(db, shopId, generateDemoStore({ seed: 11, products: 80, customers: 150, orders: 1_500 }), "DEMO");
  await db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0 } });
  // Product images on the storefront's CDN path, as Shopify serves them (the harness answers them).
  await db.$executeRaw`UPDATE "Product" SET "imageUrl" = '/cdn/shop/files/' || handle || '.svg' WHERE "shopId" = ${shopId}`;
  await trainShop(db, shopId);

  const service = await recommendationService(db);
  const buyers = await db.order.groupBy({
    by: ["customerId"],
    where: { shopId, customerId: { not: null } },
    _count: { _all: true },
    orderBy: { _count: { customerId: "desc" } },
    take: 20,
  });
  for (const buyer of buyers) {
    const answer = await service.recommend({ shopId, placement: "BUY_AGAIN", customerId: buyer.customerId, limit: 4 });
    if (answer.products.length >= 2) {
      customer = (await db.customer.findUniqueOrThrow({ where: { id: buyer.customerId! } })).externalId;
      break;
    }
  }
  const best = await db.orderLine.groupBy({
    by: ["productId"],
    where: { shopId, productId: { not: null } },
    _count: { _all: true },
    orderBy: { _count: { productId: "desc" } },
    take: 1,
  });
  productHandle = (await db.product.findUniqueOrThrow({ where: { id: best[0].productId! } })).handle!;
  expect(customer).toBeTruthy();

  harness = await startStorefrontHarness({ db, shopId, appOrigin: app.server.origin, secret: SECRET });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
  await app?.stop();
});

/** A fresh browser session (its own cookies and cart), signed in as `as` when given. */
async function session(options: { as?: string; viewport?: keyof typeof VIEWPORTS } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORTS[options.viewport ?? "desktop"] });
  if (options.as) await context.addCookies([{ name: "customer", value: options.as, url: harness.url }]);
  // Cumulative layout shift, as the browser measures it, from the first paint on.
  await context.addInitScript(() => {
    const state = window as unknown as { __cls: number; __shifts: string[] };
    state.__cls = 0;
    state.__shifts = [];
    type Shift = PerformanceEntry & {
      value: number;
      hadRecentInput: boolean;
      sources: { node?: Node; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[];
    };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Shift[]) {
        if (entry.hadRecentInput) continue;
        state.__cls += entry.value;
        for (const source of entry.sources) {
          const node = source.node as Element | undefined;
          const name = node ? `${node.nodeName.toLowerCase()}.${node.className ?? ""}` : "?";
          state.__shifts.push(`${name} ${JSON.stringify(source.previousRect)} → ${JSON.stringify(source.currentRect)}`);
        }
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  return context;
}

async function open(context: BrowserContext, path: string, options: { inView?: boolean } = {}) {
  const page = await context.newPage();
  const errors = watchErrors(page);
  const response = await page.goto(harness.url + path);
  expect(response?.status(), path).toBe(200);
  if (options.inView) await settleInView(page);
  else await settle(page);
  return { page, errors };
}

/** Scrolls through the page so that every block nears the viewport, then waits until each has rendered or hidden itself. */
async function settle(page: Page) {
  const height = await page.evaluate(() => document.body.scrollHeight);
  for (let y = 0; y <= height; y += 400) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(30);
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

/** Brings each block's foot into the viewport in turn and waits there until it has rendered or hidden itself. */
async function settleInView(page: Page) {
  const count = await page.locator("affinity-recommendations").count();
  for (let index = 0; index < count; index++) {
    await page.evaluate((i) => document.querySelectorAll("affinity-recommendations")[i].scrollIntoView({ block: "end" }), index);
    await page.waitForFunction(
      (i) => {
        const block = document.querySelectorAll("affinity-recommendations")[i] as HTMLElement;
        return block.hidden || block.classList.contains("afr--ready");
      },
      index,
      { timeout: 20_000 },
    );
  }
}

async function blocks(page: Page): Promise<BlockState[]> {
  return page.$$eval("affinity-recommendations", (elements) =>
    elements.map((element) => ({
      placement: (element as HTMLElement).dataset.placement!,
      hidden: (element as HTMLElement).hidden,
      ready: element.classList.contains("afr--ready"),
      titles: [...element.querySelectorAll(".afr-card:not([data-afr-main]):not(.afr-card--skeleton) .afr-card__title")].map((title) =>
        title.textContent!.trim(),
      ),
    })),
  );
}

/** What the app answers this page's shopper for a block, asked through the same app proxy, in the page. */
async function expectedTitles(page: Page, placement: string): Promise<string[]> {
  return page.evaluate(
    async (options) => {
      const element = document.querySelector(`affinity-recommendations[data-placement="${options.placement}"]`)!;
      const settings = JSON.parse(element.querySelector("script[data-afr-options]")!.textContent!);
      const query = new URLSearchParams({ placement: settings.placement, limit: String(settings.limit) });
      if (settings.productId) query.set("product_id", settings.productId);
      if (settings.placement === "cart") query.set("cart", "");
      const visitor = (document.cookie.match(/(?:^|; )_shopify_y=([^;]+)/) || [])[1];
      if (visitor) query.set("visitor", visitor);
      const answer = await (await fetch(`/apps/affinity/recommendations?${query}`)).json();
      return (answer.products as { title: string; available: boolean; variantId: string | null }[])
        .filter((p) => p.available && p.variantId)
        .map((p) => p.title);
    },
    { placement },
  );
}

async function cartCount(page: Page) {
  return page.evaluate(async () => (await (await fetch("/cart.js")).json()).item_count as number);
}

describe("the storefront blocks in Chromium", () => {
  it("render what the app recommends, for a signed-in customer and for a guest, on every page", async () => {
    const eventsBefore = await app.db.recommendationEvent.count({ where: { shopId, kind: "IMPRESSION" } });
    const visits = [
      { who: "customer", as: customer, paths: [`/products/${productHandle}`, "/", "/cart", "/account"] },
      // The guest looks at a product first, so "Recently viewed" has it (the pixel reports the view).
      { who: "guest", as: undefined, paths: [`/products/${productHandle}`, "/", "/cart"] },
    ];
    const seen = new Map<string, number>();
    for (const visit of visits) {
      const context = await session({ as: visit.as });
      for (const path of visit.paths) {
        const { page, errors } = await open(context, path);
        for (const block of await blocks(page)) {
          const expected = await expectedTitles(page, block.placement);
          const where = `${visit.who} ${path} ${block.placement}`;
          if (expected.length === 0) expect(block.hidden, where).toBe(true);
          else {
            expect(block.hidden, where).toBe(false);
            expect(block.titles, where).toEqual(expected);
            seen.set(`${visit.who}:${block.placement}`, expected.length);
          }
        }
        expect(errors, path).toEqual([]);
        await page.close();
      }
      await context.close();
    }
    for (const placement of ["for_you", "bought_together", "related", "trending", "buy_again", "recently_viewed"])
      expect(seen.get(`customer:${placement}`) ?? 0, `customer ${placement} in ${[...seen.keys()]}`).toBeGreaterThan(0);
    for (const placement of ["for_you", "bought_together", "related", "trending", "recently_viewed"])
      expect(seen.get(`guest:${placement}`) ?? 0, `guest ${placement} in ${[...seen.keys()]}`).toBeGreaterThan(0);
    // "Buy it again" is for signed-in customers only: a guest's page has no such block.
    const guest = await session();
    const { page } = await open(guest, "/");
    expect((await blocks(page)).map((block) => block.placement)).not.toContain("buy_again");
    await guest.close();
    // Each rendered block reported its impressions with the answer's token.
    await expect.poll(() => app.db.recommendationEvent.count({ where: { shopId, kind: "IMPRESSION" } })).toBeGreaterThan(eventsBefore);
  });

  it("puts the product and the chosen complementary items in the cart with one button", async () => {
    const context = await session();
    const { page, errors } = await open(context, `/products/${productHandle}`);
    const block = page.locator('affinity-recommendations[data-placement="bought_together"]');
    const boxes = block.locator("input[data-afr-pick]");
    const count = await boxes.count();
    expect(count).toBeGreaterThanOrEqual(2);
    // Leave the last item out; the total follows.
    await boxes.nth(count - 1).uncheck();
    // Prices in cents, as Liquid gives them.
    const chosen = await block.locator("input[data-afr-pick]:checked").evaluateAll((inputs) =>
      inputs.map((input) => ({
        variant: (input as HTMLInputElement).dataset.afrPick!,
        price: Number((input as HTMLInputElement).dataset.afrPrice),
      })),
    );
    const main = await block.locator(".afr-bundle").evaluate((bundle) => ({
      variant: (bundle as HTMLElement).dataset.variantId!,
      price: Number((bundle as HTMLElement).dataset.price),
    }));
    const total = main.price + chosen.reduce((sum, item) => sum + item.price, 0);
    await expect
      .poll(() => block.locator(".afr-bundle__total-value").textContent())
      .toBe(new Intl.NumberFormat("en", { style: "currency", currency: "USD" }).format(total / 100));
    await block.getByRole("button", { name: "Add all to cart" }).click();
    await expect.poll(() => page.locator("[data-cart-count]").textContent()).toBe(String(chosen.length + 1));
    const cart = await page.evaluate(async () => (await (await fetch("/cart.js")).json()) as { items: { variant_id: number | string }[] });
    expect(cart.items.map((item) => String(item.variant_id)).sort()).toEqual([main.variant, ...chosen.map((item) => item.variant)].sort());
    await expect
      .poll(() => app.db.recommendationEvent.count({ where: { shopId, kind: "ADD_TO_CART" } }))
      .toBeGreaterThanOrEqual(chosen.length + 1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("reports a click on a recommended product with the answer's token", async () => {
    const before = await app.db.recommendationEvent.count({ where: { shopId, kind: "CLICK" } });
    const context = await session({ as: customer });
    const { page, errors } = await open(context, "/");
    const link = page.locator('affinity-recommendations[data-placement="for_you"] .afr-card__title a').first();
    const title = (await link.textContent())!.trim();
    await Promise.all([page.waitForURL(/\/products\//), link.click()]);
    expect((await page.locator("h1").textContent())?.trim()).toBe(title);
    await expect.poll(() => app.db.recommendationEvent.count({ where: { shopId, kind: "CLICK" } })).toBe(before + 1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("hides every block when the app cannot answer, without errors of its own", async () => {
    const context = await session({ as: customer });
    await context.route("**/apps/affinity/recommendations**", (route) =>
      route.fulfill({ status: 500, contentType: "application/json", body: '{"error":"unavailable"}' }),
    );
    for (const path of ["/", `/products/${productHandle}`]) {
      const { page, errors } = await open(context, path);
      const states = await blocks(page);
      expect(states.length).toBeGreaterThan(1);
      expect(
        states.every((block) => block.hidden),
        path,
      ).toBe(true);
      await expect(page.locator("h1").first().isVisible()).resolves.toBe(true);
      // The browser itself logs the failed request; nothing else may appear.
      expect(
        errors.filter((error) => !/Failed to load resource: the server responded with a status of 500/.test(error)),
        path,
      ).toEqual([]);
      await page.close();
    }
    await context.close();
  });

  it("never shifts the page: cumulative layout shift is 0 on desktop and mobile", async () => {
    for (const viewport of ["desktop", "mobile"] as const) {
      const context = await session({ as: customer, viewport });
      // Answers come after the first paint, as on a real network, so every change the blocks make is on screen.
      await context.route(/\/recommendations\?/, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 250));
        await route.continue();
      });
      for (const path of ["/", `/products/${productHandle}`]) {
        // Each block's foot is brought on screen in turn and kept there until the block is ready,
        // so the late answer of a block in view lands where a shift would count.
        const { page } = await open(context, path, { inView: true });
        await page.waitForTimeout(300);
        const { cls, shifts } = await page.evaluate(() => ({
          cls: (window as unknown as { __cls: number }).__cls,
          shifts: (window as unknown as { __shifts: string[] }).__shifts,
        }));
        expect(cls, `${viewport} ${path}: ${shifts.join("; ")}`).toBe(0);
        await page.close();
      }
      await context.close();
    }
  });

  it("works with the keyboard alone, in document order, with names for screen readers", async () => {
    const context = await session();
    const { page, errors } = await open(context, `/products/${productHandle}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    const order: number[] = [];
    /** Tabs until the focused element matches, recording each stop's position in the document. */
    const tabTo = async (selector: string) => {
      for (let presses = 0; presses < 150; presses++) {
        await page.keyboard.press("Tab");
        const position = await page.evaluate(() => [...document.querySelectorAll("*")].indexOf(document.activeElement!));
        order.push(position);
        if (await page.evaluate((target) => document.activeElement?.matches(target) ?? false, selector)) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    const bundle = page.locator('affinity-recommendations[data-placement="bought_together"]');
    await tabTo("input[data-afr-pick]");
    await page.keyboard.press("Space");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(false);
    await tabTo(".afr-bundle__add");
    await page.keyboard.press("Enter");
    await expect.poll(() => cartCount(page)).toBeGreaterThan(0);
    const afterBundle = await cartCount(page);

    const carousel = page.locator("affinity-recommendations.afr--carousel").first();
    const list = carousel.locator(".afr__list");
    await tabTo("affinity-recommendations.afr--carousel [data-afr-step='1']");
    await page.keyboard.press("Enter");
    await expect.poll(() => list.evaluate((node) => node.scrollLeft)).toBeGreaterThan(0);
    await tabTo("affinity-recommendations.afr--carousel .afr-card__add");
    await page.keyboard.press("Enter");
    await expect.poll(() => cartCount(page)).toBe(afterBundle + 1);
    // Focus moved forward through the document, never back.
    expect(order).toEqual([...order].sort((a, b) => a - b));

    // What a screen reader announces: named lists, buttons and controls.
    await expect(bundle.getByRole("list", { name: "Frequently bought together" }).count()).resolves.toBe(1);
    expect(await carousel.getByRole("button", { name: "Next products" }).getAttribute("aria-controls")).toBe(await list.getAttribute("id"));
    const addButtons = carousel.getByRole("button", { name: /^Add .+ to cart$/ });
    expect(await addButtons.count()).toBeGreaterThan(0);
    const image = carousel.locator(".afr-card img").first();
    expect(await image.getAttribute("loading")).toBe("lazy");
    expect(await image.getAttribute("srcset")).toMatch(/width=360 360w/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("speaks the shopper's language", async () => {
    const context = await session({ as: customer });
    const { page } = await open(context, "/?locale=es");
    await expect(
      page
        .getByRole("button", { name: /^Añadir .+ al carrito$/ })
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await context.close();
  });

  it("saves a screenshot of every block at desktop and mobile widths", async () => {
    for (const viewport of ["desktop", "mobile"] as const) {
      const context = await session({ as: customer, viewport });
      for (const path of ["/", `/products/${productHandle}`, "/fr/"]) {
        const { page } = await open(context, path);
        for (const block of await blocks(page)) {
          if (block.hidden) continue;
          const element = page.locator(`affinity-recommendations[data-placement="${block.placement}"]`);
          await element.scrollIntoViewIfNeeded();
          const market = path.startsWith("/fr/") ? "fr-" : "";
          await saveScreenshot("storefront", `${market}${block.placement}-${viewport}`, (file) => element.screenshot({ path: file }));
        }
        await page.close();
      }
      await context.close();
    }
  });
});

interface CardView {
  placement: string;
  title: string;
  path: string;
  price: string;
  compare: string | null;
}

/** Every product card the page's blocks show: its title, link (without the click marker), price text and compare-at text. */
async function cards(page: Page): Promise<CardView[]> {
  return page.$$eval("affinity-recommendations:not([hidden]) .afr-card:not([data-afr-main]):not(.afr-card--skeleton)", (elements) =>
    elements.map((card) => {
      const link = card.querySelector(".afr-card__title a") as HTMLAnchorElement;
      const url = new URL(link.href);
      url.searchParams.delete("_afr");
      const price = card.querySelector(".afr-card__price")!.cloneNode(true) as HTMLElement;
      price.querySelectorAll(".afr-visually-hidden, .afr-card__compare").forEach((node) => node.remove());
      return {
        placement: (card.closest("affinity-recommendations") as HTMLElement).dataset.placement!,
        title: link.textContent!.trim(),
        path: url.pathname + url.search,
        price: price.textContent!.trim(),
        compare: card.querySelector(".afr-card__compare")?.textContent?.trim() ?? null,
      };
    }),
  );
}

/**
 * Opens a product page without running its scripts, as the web pixel's view is recorded: the
 * shopper's history is cached for a minute from their first block's answer, so views meant for
 * "Recently viewed" must all come before any block asks.
 */
async function view(context: BrowserContext, path: string) {
  const response = await context.request.get(harness.url + path);
  expect(response.status(), path).toBe(200);
}

/** What a product page shows: its title, price text and compare-at text. */
async function productPage(context: BrowserContext, path: string) {
  const page = await context.newPage();
  const response = await page.goto(harness.url + path);
  expect(response?.status(), path).toBe(200);
  const shown = await page.evaluate(() => {
    const price = document.querySelector(".theme-price")!.cloneNode(true) as HTMLElement;
    price.querySelectorAll(".theme-compare").forEach((node) => node.remove());
    return {
      title: document.querySelector("h1")!.textContent!.trim(),
      price: price.textContent!.trim(),
      compare: document.querySelector(".theme-compare")?.textContent?.trim() ?? null,
    };
  });
  await page.close();
  return shown;
}

const MARKETS = [
  { handle: "us", prefix: "", money: new Intl.NumberFormat("en", { style: "currency", currency: "USD" }), symbol: "$" },
  { handle: "fr", prefix: "/fr", money: new Intl.NumberFormat("fr", { style: "currency", currency: "EUR" }), symbol: "€" },
];

describe("product cards in the shopper's market", () => {
  /** Products in stock that a market sells, with what it offers of them. */
  async function offered(market: string, test: (offer: Offer, handle: string) => boolean) {
    const inStock = new Set(
      (await app.db.product.findMany({ where: { shopId, available: true, status: "ACTIVE" }, select: { handle: true } })).map(
        (row) => row.handle,
      ),
    );
    return harness
      .offers(market)
      .all()
      .filter(([handle, offer]) => inStock.has(handle) && test(offer, handle));
  }

  it("show the product page's title, price, compare-at price, currency and link, in each market, to the cent", async () => {
    for (const market of MARKETS) {
      const context = await session();
      // A product on sale and, in France, one with a French title, viewed first, so that "Recently viewed" shows them.
      const [onSale] = await offered(
        market.handle,
        (offer) => offer.sold && offer.compareAtCents !== null && offer.compareAtCents > offer.priceCents,
      );
      expect(onSale, `a product on sale in ${market.handle}`).toBeTruthy();
      const [translated] = market.prefix
        ? await offered(market.handle, (offer, handle) => offer.sold && offer.title !== harness.offers("us").offer(handle)!.title)
        : [];
      for (const [handle] of [onSale, ...(translated ? [translated] : [])]) await view(context, `${market.prefix}/products/${handle}`);
      const { page, errors } = await open(context, `${market.prefix}/`);
      const shown = await cards(page);
      expect(shown.length, market.handle).toBeGreaterThan(4);
      const checked = new Set<string>();
      for (const card of shown) {
        if (checked.has(card.path) || checked.size >= 8) continue;
        checked.add(card.path);
        const where = `${market.handle} ${card.placement} ${card.path}`;
        expect(card.path, where).toMatch(new RegExp(`^${market.prefix}/products/[^/]+$`));
        const handle = decodeURIComponent(card.path.split("/").pop()!);
        const offer = harness.offers(market.handle).offer(handle)!;
        expect(offer.sold, where).toBe(true);
        expect(card.price, where).toContain(market.symbol);
        expect(card.price, where).toBe(market.money.format(offer.priceCents / 100));
        expect(card.compare, where).toBe(
          offer.compareAtCents && offer.compareAtCents > offer.priceCents ? market.money.format(offer.compareAtCents / 100) : null,
        );
        expect(card.title, where).toBe(offer.title);
        expect(await productPage(context, card.path), where).toEqual({ title: card.title, price: card.price, compare: card.compare });
      }
      expect(
        shown.some((card) => card.compare !== null),
        `${market.handle}: a card with a compare-at price`,
      ).toBe(true);
      if (translated) {
        const english = harness.offers("us").offer(translated[0])!.title;
        const card = shown.find((candidate) => candidate.path === `/fr/products/${translated[0]}`);
        expect(card?.title, `the French card of ${english}`).toBe(translated[1].title);
        expect(card!.title).not.toBe(english);
      }
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it("shows a product's fixed market price, not the converted one", async () => {
    const [[handle, offer]] = await offered("fr", (candidate) => candidate.sold && candidate.fixedPrice);
    const converted = roundUpTo95(harness.offers("us").offer(handle)!.priceCents * 0.92);
    const fixed = MARKETS[1].money.format(offer.priceCents / 100);
    expect(fixed).not.toBe(MARKETS[1].money.format(converted / 100));
    const context = await session();
    await view(context, `/fr/products/${handle}`);
    const { page } = await open(context, "/fr/");
    const card = (await cards(page)).find(
      (candidate) => candidate.placement === "recently_viewed" && candidate.path === `/fr/products/${handle}`,
    );
    expect(card, `the recently viewed ${handle}`).toBeTruthy();
    expect(card!.price).toBe(fixed);
    expect((await productPage(context, `/fr/products/${handle}`)).price).toBe(fixed);
    await context.close();
  });

  it("leaves out a product the market does not sell", async () => {
    const [[handle]] = await offered("fr", (offer) => !offer.sold);
    const context = await session();
    // Viewed in the primary market, it is recently viewed in both; France does not sell it.
    await view(context, `/products/${handle}`);
    const home = await open(context, "/");
    expect((await cards(home.page)).filter((card) => card.placement === "recently_viewed").map((card) => card.path)).toContain(
      `/products/${handle}`,
    );
    const french = await open(context, "/fr/");
    const frenchCards = await cards(french.page);
    expect(frenchCards.length).toBeGreaterThan(0);
    expect(frenchCards.map((card) => card.path)).not.toContain(`/fr/products/${handle}`);
    expect((await french.page.goto(`${harness.url}/fr/products/${handle}`))?.status()).toBe(404);
    await context.close();
  });

  it("adds up the bundle in the market's currency, as the page formats money", async () => {
    const context = await session();
    const sold = await offered("fr", (offer) => offer.sold);
    const handle = sold.some(([candidate]) => candidate === productHandle) ? productHandle : sold[0][0];
    const { page, errors } = await open(context, `/fr/products/${handle}`);
    const block = page.locator('affinity-recommendations[data-placement="bought_together"]');
    const boxes = block.locator("input[data-afr-pick]");
    expect(await boxes.count()).toBeGreaterThanOrEqual(2);
    await boxes.first().uncheck();
    const chosen = await block
      .locator("input[data-afr-pick]:checked")
      .evaluateAll((inputs) => inputs.map((input) => Number((input as HTMLInputElement).dataset.afrPrice)));
    const main = await block.locator(".afr-bundle").evaluate((bundle) => Number((bundle as HTMLElement).dataset.price));
    expect(main).toBe(harness.offers("fr").offer(handle)!.priceCents);
    const total = main + chosen.reduce((sum, cents) => sum + cents, 0);
    await expect.poll(() => block.locator(".afr-bundle__total-value").textContent()).toBe(MARKETS[1].money.format(total / 100));
    await block.locator(".afr-bundle__add").click();
    await expect.poll(() => page.locator("[data-cart-count]").textContent()).toBe(String(chosen.length + 1));
    // The cart holds the market's prices.
    const cart = await page.evaluate(async () => (await (await fetch("/fr/cart.js")).json()) as { currency: string; total_price: number });
    expect(cart).toMatchObject({ currency: "EUR", total_price: total });
    expect(errors).toEqual([]);
    await context.close();
  });
});
