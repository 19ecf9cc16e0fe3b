import type { Prisma } from "@prisma/client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP_DOMAIN } from "../../app/demo.server";
import { readStoreQuality, servesRepeats, type StoreQuality } from "../../app/engine";
import { recommendationService } from "../../app/models/recommendations/index.server";
import { ingestWebhookEvent } from "../../app/models/ingest/ingest-webhook.server";
import { ensureShop } from "../../app/models/shops.server";
import { storeWebhooks } from "../../app/models/webhooks.server";
import { importStoreSnapshot } from "../../app/models/store-import.server";
import { trainShop } from "../../app/models/training.server";
import { generateDemoStore } from "../../demo/generate";
import type { JobContext } from "../../app/jobs/definitions/define";
import { ingestWebhookJob } from "../../app/jobs/definitions/ingest-webhook";
import { startTestApp, type TestApp } from "../helpers/app";
import { launchBrowser, saveScreenshot, watchErrors } from "../helpers/browser";

const PAGES = ["/app", "/app/placements", "/app/seasonality", "/app/rules", "/app/pairs", "/app/preview", "/app/insights", "/app/settings"];

let app: TestApp;
let browser: Browser;
let context: BrowserContext;
let shopId: string;

beforeAll(async () => {
  app = await startTestApp({ name: "admin-e2e", secret: "admin-e2e-secret", demo: true });
  shopId = (await ensureShop(app.db, DEMO_SHOP_DOMAIN, { name: "Affinity Outfitters (demo)", currency: "USD" })).id;
  await importStoreSnapshot(app.db, shopId, generateDemoStore({ seed: 21, products: 120, customers: 400, orders: 4_000 }), "DEMO");
  await app.db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0 } });
  await trainShop(app.db, shopId);
  await seedStorefrontActivity();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Two weeks of a storefront's block activity (impressions, clicks, attributed orders), so the home page has revenue to chart. */
async function seedStorefrontActivity() {
  const products = await app.db.product.findMany({ where: { shopId }, select: { id: true }, take: 20 });
  const orders = await app.db.order.findMany({ where: { shopId }, select: { id: true, totalPrice: true }, take: 28 });
  const day = 86_400_000;
  const events = Array.from({ length: 14 }, (_, daysAgo) =>
    products.flatMap((product, index) => [
      {
        shopId,
        kind: "IMPRESSION" as const,
        token: `seed-${daysAgo}`,
        placement: "FOR_YOU" as const,
        productId: product.id,
        customerId: null,
        visitorKey: `visitor-${index}`,
        holdout: index % 10 === 0,
        occurredAt: new Date(Date.now() - daysAgo * day - index * 60_000),
      },
      ...(index % 4 === daysAgo % 4
        ? [
            {
              shopId,
              kind: "CLICK" as const,
              token: `seed-${daysAgo}`,
              placement: "FOR_YOU" as const,
              productId: product.id,
              customerId: null,
              visitorKey: `visitor-${index}`,
              holdout: false,
              occurredAt: new Date(Date.now() - daysAgo * day - index * 60_000 + 5_000),
            },
          ]
        : []),
    ]),
  ).flat();
  await app.db.recommendationEvent.createMany({ data: events });
  await app.db.attribution.createMany({
    data: orders.map((order, index) => ({
      shopId,
      orderId: order.id,
      token: `seed-${index % 14}`,
      placement: "FOR_YOU" as const,
      revenue: order.totalPrice,
      createdAt: new Date(Date.now() - (index % 14) * day),
    })),
  });
}

async function open(path: string) {
  const page = await context.newPage();
  const errors = watchErrors(page);
  const response = await page.goto(app.server.origin + path, { waitUntil: "networkidle" });
  expect(response?.status(), path).toBe(200);
  return { page, errors };
}

/** Submits the form that holds `button`, and waits for the page it answers with. */
async function submit(page: Page, button: ReturnType<Page["locator"]>) {
  await Promise.all([page.waitForResponse((response) => response.request().method() === "POST"), button.click()]);
  await page.waitForLoadState("networkidle");
}

const forYou = async (customerId: string) =>
  (await (await recommendationService(app.db)).recommend({ shopId, placement: "FOR_YOU", customerId, limit: 8 })).products;

describe("the admin in Chromium (demo mode)", () => {
  it("opens every page without an error in the console, and saves a screenshot of each", async () => {
    for (const path of PAGES) {
      const { page, errors } = await open(path);
      await page
        .locator("h1")
        .first()
        .waitFor({ timeout: 10_000 })
        .catch(async () => {
          throw new Error(
            `${path} has no heading; page errors: ${errors.join("; ")}; text: ${(await page.locator("body").innerText()).slice(0, 500)}`,
          );
        });
      await page.waitForTimeout(300);
      await saveScreenshot("admin", path.replace(/^\/app\/?/, "") || "home", (file) => page.screenshot({ path: file, fullPage: true }));
      expect(errors, path).toEqual([]);
      await page.close();
    }
  });

  it("draws the catalogue map and the quality table from the last training", async () => {
    const { page } = await open("/app/insights");
    expect(await page.locator("svg[role=img] circle").count()).toBeGreaterThan(50);
    expect(await page.getByRole("heading", { name: /^Cluster 1 ·/ }).count()).toBe(1);
    const latest = await app.db.modelVersion.findFirstOrThrow({ where: { shopId, status: "READY" }, orderBy: { version: "desc" } });
    const quality = readStoreQuality(latest.metrics);
    if (!quality) throw new Error("The demo store's training saved no 30-day check.");
    const percent = (value: number) => value.toLocaleString("en", { style: "percent", maximumFractionDigits: 1 });
    const home = await open("/app?locale=en");
    const cells = (row: string) => home.page.locator(`tr:has([data-comparison="${row}"]) > *`).allInnerTexts();
    await home.page.locator('[data-comparison="FOR_YOU-new"]').waitFor({ timeout: 10_000 });
    // For you on new products beside best sellers, always; on any product beside past purchases where it brings repeats back.
    const expectRow = async (row: string, view: string, recall: number, baseline: string, baselineRecall: number, words: RegExp) => {
      const shown = await cells(row);
      expect(shown.slice(0, 5)).toEqual(["Recommended for you", view, percent(recall), baseline, percent(baselineRecall)]);
      expect(shown[5]).toMatch(words);
    };
    const { models } = quality;
    await expectRow(
      "FOR_YOU-new",
      "Products new to the customer",
      models["for-you"].new.recall,
      "Best sellers",
      models.popularity.new.recall,
      /^(About the same as|Finds .*) showing best sellers/,
    );
    if (servesRepeats(quality.choices)) {
      await expectRow(
        "FOR_YOU-all",
        "Any product",
        models["for-you"].all.recall,
        "Past purchases",
        models["buy-again"].all.recall,
        /showing their past purchases/,
      );
    } else {
      expect(await home.page.locator('[data-comparison="FOR_YOU-all"]').count()).toBe(0);
      await home.page.getByText("so it is compared on those only").waitFor();
    }
    await home.page.getByText(`The check covered ${quality.customers.toLocaleString("en")} customers`).waitFor();
    // Every model, the blend's parts among them, behind the disclosure.
    expect(await home.page.getByText("Item model (EASE)").count()).toBe(0);
    const allModels = home.page.getByRole("button", { name: "All models" });
    // Hydrated: React has attached itself to the button (a click before would do nothing).
    await allModels.evaluate(
      (button) =>
        new Promise<void>((resolve) => {
          const attached = () => Object.keys(button).some((key) => key.startsWith("__reactFiber"));
          const wait = () => (attached() ? resolve() : setTimeout(wait, 50));
          wait();
        }),
    );
    await allModels.click();
    await home.page.getByText("Affinity (Recommended for you)").waitFor({ timeout: 10_000 });
    await home.page.getByText("Item model (EASE)").waitFor();
    await saveScreenshot("admin", "home-quality", (file) => home.page.screenshot({ path: file, fullPage: true }));
    await page.close();
    await home.page.close();
  });

  it("changes a promotion's strength and shows the customer's recommendations before and after", async () => {
    const buyer = await app.db.order.groupBy({
      by: ["customerId"],
      where: { shopId, customerId: { not: null } },
      _count: { _all: true },
      orderBy: { _count: { customerId: "desc" } },
      take: 1,
    });
    const customerId = buyer[0].customerId!;
    // Promote the product at the bottom of the customer's list: it should climb.
    const list = await forYou(customerId);
    const promoted = list[list.length - 1];
    const { page, errors } = await open(`/app/seasonality?customer=${customerId}`);
    await page.getByLabel("Name").fill("Push the last one");
    await page.getByLabel("Applies to").first().selectOption("PRODUCT");
    await page.getByLabel("Which one").fill(promoted.externalId);
    await page.getByLabel("Strength", { exact: true }).fill("1");
    await submit(page, page.getByRole("button", { name: "Add" }));
    const row = page.getByRole("row", { name: /Push the last one/ });
    await row.getByLabel("Strength: Push the last one").fill("10");
    await submit(page, row.getByRole("button", { name: "Save" }));
    await saveScreenshot("admin", "seasonality-promotion-preview", (file) => page.screenshot({ path: file, fullPage: true }));
    const before = await page.locator("#preview-before li").allTextContents();
    const after = await page.locator("#preview-after li").allTextContents();
    const position = (texts: string[]) => texts.findIndex((text) => text.includes(promoted.title));
    expect(position(after)).toBeGreaterThanOrEqual(0);
    expect(position(before) === -1 || position(after) < position(before)).toBe(true);
    expect(after).not.toEqual(before);
    // Serving uses the new strength at once, without retraining.
    expect((await forYou(customerId))[0].productId).toBe(promoted.productId);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("approves a mined pair and Frequently bought together shows it first", async () => {
    const { page, errors } = await open("/app/pairs");
    const boughtTogetherWith = async (productId: string) =>
      (await (await recommendationService(app.db)).recommend({ shopId, placement: "BOUGHT_TOGETHER", productId, limit: 4 })).products.map(
        (product) => product.productId,
      );
    // The weakest mined pair whose product the list does not already lead with.
    const rows = page.getByRole("row").filter({ has: page.locator("[data-pair-id]") });
    const pairIds = (
      await rows.locator("[data-pair-id]").evaluateAll((cells) => cells.map((cell) => cell.getAttribute("data-pair-id")!))
    ).reverse();
    let pair = null;
    for (const id of pairIds) {
      const candidate = await app.db.boughtTogetherPair.findUniqueOrThrow({ where: { id } });
      if ((await boughtTogetherWith(candidate.productId))[0] !== candidate.relatedProductId) {
        pair = candidate;
        break;
      }
    }
    expect(pair).not.toBeNull();
    const { id: pairId, productId, relatedProductId } = pair!;
    const row = page.locator(`tr:has([data-pair-id="${pairId}"])`);
    const boughtTogether = () => boughtTogetherWith(productId);
    expect((await boughtTogether())[0]).not.toBe(relatedProductId);
    await submit(page, row.getByRole("button", { name: "Approve" }));
    expect((await app.db.boughtTogetherPair.findUniqueOrThrow({ where: { id: pairId } })).status).toBe("APPROVED");
    expect((await boughtTogether())[0]).toBe(relatedProductId);
    // And a rejected pair never shows.
    await page.goto(`${app.server.origin}/app/pairs?status=APPROVED`, { waitUntil: "networkidle" });
    await submit(page, page.locator(`tr:has([data-pair-id="${pairId}"])`).getByRole("button", { name: "Reject" }));
    expect(await boughtTogether()).not.toContain(relatedProductId);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("answers invalid values with field errors the merchant understands, and saves nothing", async () => {
    const before = await app.db.shopSettings.findUniqueOrThrow({ where: { shopId } });
    const { page, errors } = await open("/app/settings");
    await page.getByLabel(/Retraining schedule/).fill("every night");
    await page.getByLabel(/Holdout share/).fill("0.9");
    await submit(page, page.getByRole("button", { name: "Save" }));
    await page.getByText("Not a schedule: use five fields, for example 0 3 * * *.").waitFor({ timeout: 10_000 });
    await page.getByText("Use a share from 0 to 0.5 (0 to 50%).").waitFor({ timeout: 10_000 });
    await saveScreenshot("admin", "settings-field-errors", (file) => page.screenshot({ path: file, fullPage: true }));
    const after = await app.db.shopSettings.findUniqueOrThrow({ where: { shopId } });
    expect({ schedule: after.trainingSchedule, holdout: after.holdoutShare }).toEqual({
      schedule: before.trainingSchedule,
      holdout: before.holdoutShare,
    });

    const promotion = await open("/app/seasonality");
    await promotion.page.getByLabel("Name").fill("Broken");
    await promotion.page.getByLabel("Which one").fill("camping");
    await promotion.page.getByLabel("Strength", { exact: true }).fill("50");
    await promotion.page.getByLabel("Until").fill("2020-01-01");
    await submit(promotion.page, promotion.page.getByRole("button", { name: "Add" }));
    await promotion.page.getByText("Use a strength from 0.1 to 10.").waitFor({ timeout: 10_000 });
    await promotion.page.getByText("The end must be after the start.").waitFor({ timeout: 10_000 });
    expect(await app.db.promotion.count({ where: { shopId, name: "Broken" } })).toBe(0);

    const rules = await open("/app/rules");
    await rules.page.getByLabel(/From \(× its price\)/).fill("0.5");
    await submit(rules.page, rules.page.getByRole("button", { name: "Save" }));
    await rules.page.getByText(/Give both ends of the band/).waitFor({ timeout: 10_000 });
    expect([...errors, ...promotion.errors, ...rules.errors]).toEqual([]);
    await Promise.all([page.close(), promotion.page.close(), rules.page.close()]);
  });

  it("charts each model version's quality, with a gap where an older version did not measure a model", async () => {
    // The first version as a check made before Trending joined it, then a second training.
    const first = await app.db.modelVersion.findFirstOrThrow({ where: { shopId, status: "READY" }, orderBy: { version: "asc" } });
    const metrics = first.metrics as unknown as StoreQuality;
    delete metrics.models.trending;
    await app.db.modelVersion.update({ where: { id: first.id }, data: { metrics: metrics as unknown as Prisma.InputJsonValue } });
    await trainShop(app.db, shopId);
    const { page, errors } = await open("/app");
    const chart = page.getByRole("img", { name: "Quality on your store's last 30 days" });
    await chart.locator("svg").first().waitFor({ timeout: 10_000 });
    const legend = await chart.locator("xpath=following-sibling::ul[1]").innerText();
    expect(legend.split("\n")).toEqual([
      "Affinity (Recommended for you)",
      "Trending (last weeks' sales)",
      "Best sellers (baseline)",
      "Past purchases (baseline)",
    ]);
    await saveScreenshot("admin", "home-versions", (file) => page.screenshot({ path: file, fullPage: true }));
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("follows the merchant's language: Spanish pages and Spanish field errors", async () => {
    const { page, errors } = await open("/app/settings?locale=es");
    await page.getByRole("link", { name: "Inicio" }).waitFor({ timeout: 10_000 });
    await page.getByLabel(/Calendario de reentrenamiento/).fill("cada noche");
    await submit(page, page.getByRole("button", { name: "Guardar" }));
    await page.getByText("No es un calendario: usa cinco campos, por ejemplo 0 3 * * *.").waitFor({ timeout: 10_000 });
    // The choice sticks for the next pages.
    await page.goto(`${app.server.origin}/app/rules`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Reglas", level: 1 }).waitFor({ timeout: 10_000 });
    await saveScreenshot("admin", "rules-es", (file) => page.screenshot({ path: file, fullPage: true }));
    expect(errors).toEqual([]);
    await page.close();
  });
  it("shows a failed webhook delivery with its reason, and Retry stores it once what it lacked has arrived", async () => {
    const deliver = async (topic: string, body: unknown) =>
      (
        await storeWebhooks(app.db, [
          {
            webhookId: `e2e-${topic}-${Date.now()}`,
            shopDomain: DEMO_SHOP_DOMAIN,
            topic,
            apiVersion: "2026-07",
            rawBody: typeof body === "string" ? body : JSON.stringify(body),
          },
        ])
      )[0].id;
    // A refund delivered before its order: ingestion fails, and the row keeps the reason.
    const refundId = await deliver("refunds/create", {
      id: 880_001,
      order_id: 990_001,
      created_at: new Date().toISOString(),
      refund_line_items: [{ id: 1, line_item_id: 770_001, quantity: 1, subtotal: 25 }],
    });
    await expect(ingestWebhookJob.handler({ eventId: refundId }, { db: app.db } as unknown as JobContext)).rejects.toThrow(
      /not stored yet/,
    );
    const brokenId = await deliver("products/update", "{ not json");
    await ingestWebhookEvent(app.db, brokenId);

    const { page, errors } = await open("/app?locale=en");
    const refundRow = page.locator(`li[data-delivery-id="${refundId}"]`);
    await refundRow.getByText("It refers to something Affinity has not received yet").waitFor({ timeout: 10_000 });
    await refundRow.getByText("order 990001 of refund 880001 is not stored yet").waitFor();
    await page.locator(`li[data-delivery-id="${brokenId}"]`).getByText("Shopify's message could not be read").waitFor();
    expect(await page.getByRole("button", { name: "Retry all" }).count()).toBe(1);
    await saveScreenshot("admin", "home-failed-webhooks", (file) => page.screenshot({ path: file, fullPage: true }));

    // The order arrives; Retry re-runs the refund's ingestion through the queue.
    const product = await app.db.product.findFirstOrThrow({ where: { shopId } });
    const orderId = await deliver("orders/create", {
      id: 990_001,
      name: "#E2E1",
      currency: "USD",
      total_price: "25.00",
      financial_status: "paid",
      test: false,
      created_at: new Date().toISOString(),
      processed_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      cancelled_at: null,
      customer: null,
      line_items: [
        {
          id: 770_001,
          product_id: Number(product.externalId),
          variant_id: null,
          title: product.title,
          quantity: 1,
          price: "25.00",
          gift_card: false,
        },
      ],
    });
    expect((await ingestWebhookEvent(app.db, orderId)).status).toBe("ingested");
    await submit(page, refundRow.getByRole("button", { name: "Retry" }));
    await refundRow.waitFor({ state: "detached", timeout: 20_000 });
    const refund = await app.db.refund.findFirstOrThrow({ where: { shopId, externalId: "880001" }, include: { order: true } });
    expect(refund.order.externalId).toBe("990001");

    // The unreadable one is dismissed: its stored payload goes.
    await submit(page, page.locator(`li[data-delivery-id="${brokenId}"]`).getByRole("button", { name: "Dismiss" }));
    await page.locator(`li[data-delivery-id="${brokenId}"]`).waitFor({ state: "detached", timeout: 10_000 });
    expect(await app.db.webhookEvent.count({ where: { id: brokenId } })).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows which blocks the demo store's theme has, without asking Shopify", async () => {
    const { page, errors } = await open("/app?locale=en");
    await page.getByText("Demo store: the blocks its local storefront shows.").waitFor({ timeout: 10_000 });
    const live = await page
      .locator("li[data-block]")
      .evaluateAll((items) =>
        items.map((item) => [item.getAttribute("data-block"), /Live on ([^\n]*?)(?:Success|$)/.exec(item.textContent ?? "")?.[1]]),
      );
    expect(Object.fromEntries(live)).toEqual({
      "recommended-for-you": "cart, customers/account, index",
      trending: "index",
      "buy-again": "customers/account, index",
      "bought-together": "product",
      "also-like": "product",
      "recently-viewed": "index, product",
    });
    // The demo has no Shopify theme editor to link to.
    expect(await page.locator("li[data-block] a").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a save bar while a form has unsaved changes: Discard restores the value, Save keeps it", async () => {
    const { page, errors } = await open("/app/settings?locale=en");
    const field = page.getByLabel(/Retrain early after/);
    const bar = page.getByRole("region", { name: "Unsaved changes" });
    const before = await field.inputValue();
    expect(await bar.count()).toBe(0);
    await field.fill("321");
    await bar.waitFor({ timeout: 5_000 });
    await bar.getByRole("button", { name: "Discard" }).click();
    await bar.waitFor({ state: "detached", timeout: 5_000 });
    expect(await page.getByLabel(/Retrain early after/).inputValue()).toBe(before);

    await page.getByLabel(/Retrain early after/).fill("321");
    await saveScreenshot("admin", "settings-save-bar", (file) => page.screenshot({ path: file }));
    await submit(page, bar.getByRole("button", { name: "Save" }));
    await bar.waitFor({ state: "detached", timeout: 10_000 });
    expect((await app.db.shopSettings.findUniqueOrThrow({ where: { shopId } })).retrainAfterOrders).toBe(321);
    await page.reload({ waitUntil: "networkidle" });
    expect(await page.getByLabel(/Retrain early after/).inputValue()).toBe("321");
    expect(errors).toEqual([]);
    await page.close();
  });
});
