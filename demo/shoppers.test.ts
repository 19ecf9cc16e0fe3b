import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP_DOMAIN } from "../app/demo.server";
import { measureLift } from "../app/models/measurement.server";
import { ensureShop } from "../app/models/shops.server";
import { publishInvalidation } from "../app/models/storefront/invalidation.server";
import { importStoreSnapshot } from "../app/models/store-import.server";
import { trainShop } from "../app/models/training.server";
import { startTestApp, type TestApp } from "../test/helpers/app";
import { generateDemoStore } from "./generate";
import type { VisitsPlayed } from "./shoppers";

const SECRET = "demo-shoppers-secret";
let app: TestApp;
let shopId: string;
let played: VisitsPlayed;
const started = new Date();

beforeAll(async () => {
  app = await startTestApp({ name: "demo-shoppers", secret: SECRET, demo: true });
  // A fixed shop id: the holdout draw is made from it, so the same shoppers are held out on every run.
  shopId = (
    await ensureShop(app.db, DEMO_SHOP_DOMAIN, { id: "demo-shoppers-test-shop", name: "Affinity Outfitters (demo)", currency: "USD" })
  ).id;
  await importStoreSnapshot(app.db, shopId, generateDemoStore({ seed: 21, products: 80, customers: 300, orders: 2_000 }), "DEMO");
  // Three in ten in the holdout, so that this small run has holdout shoppers to compare with,
  // announced as the settings page announces a save, so no snapshot keeps the default share.
  await app.db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0.3 } });
  await publishInvalidation({ shopId, scope: "rules" });
  await trainShop(app.db, shopId);
  const { playShopperVisits } = await import("./shoppers");
  played = await playShopperVisits(app.db, shopId, SECRET, { days: 3, visitsPerDay: 30 });
}, 300_000);

afterAll(async () => {
  await app?.stop();
});

describe("the demo's shoppers", () => {
  it("are recorded by the app as they played: impressions, clicks, add-to-carts and orders", async () => {
    const count = (kind: "IMPRESSION" | "CLICK" | "ADD_TO_CART") => app.db.recommendationEvent.count({ where: { shopId, kind } });
    expect(played.visits).toBe(90);
    expect(await count("IMPRESSION")).toBe(played.impressions);
    expect(await count("CLICK")).toBe(played.clicks);
    expect(await count("ADD_TO_CART")).toBe(played.addToCarts);
    expect(played.clicks).toBeGreaterThan(0);
    expect(await app.db.order.count({ where: { shopId, source: "SHOPIFY_WEBHOOK" } })).toBe(played.orders);
    expect(await app.db.webhookEvent.count({ where: { shopId, processedAt: null } })).toBe(0);
  });

  it("see shop-wide lists in the holdout, and only the others' clicks are attributed", async () => {
    expect(played.holdoutVisits).toBeGreaterThan(0);
    const holdoutEvents = await app.db.recommendationEvent.findMany({ where: { shopId, holdout: true }, select: { token: true } });
    expect(holdoutEvents.length).toBeGreaterThan(0);
    const attributed = await app.db.attribution.findMany({ where: { shopId }, select: { token: true, revenue: true } });
    expect(attributed.length).toBeGreaterThan(0);
    const holdoutTokens = new Set(holdoutEvents.map((event) => event.token));
    expect(attributed.filter((attribution) => holdoutTokens.has(attribution.token))).toEqual([]);
    expect(attributed.every((attribution) => Number(attribution.revenue) > 0)).toBe(true);
  });

  it("give the home page's figures: click-through, attributed revenue and a lift against the holdout", async () => {
    const lift = await measureLift(app.db, shopId, new Date(started.getTime() - 60_000), new Date());
    expect(lift.clickThrough).toBeGreaterThan(0);
    expect(lift.attributedRevenue).toBeGreaterThan(0);
    expect(lift.holdout.shoppers).toBeGreaterThan(0);
    expect(lift.treatment.shoppers).toBeGreaterThan(lift.holdout.shoppers);
    expect(Number.isFinite(lift.revenueLift)).toBe(true);
    console.log(`demo shoppers: ${JSON.stringify(played)}; lift ${JSON.stringify(lift)}`);
  });
});
