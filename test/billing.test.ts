import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP_DOMAIN } from "../app/demo.server";
import {
  FREE_ORDER_LIMIT,
  GROWTH_PLAN,
  GROWTH_PRICE_USD,
  GROWTH_TRIAL_DAYS,
  billingIsTest,
  planLimitApplies,
} from "../app/models/billing.server";
import type { RecommendationAnswer } from "../app/models/recommendations/index.server";
import { ensureShop } from "../app/models/shops.server";
import { importStoreSnapshot } from "../app/models/store-import.server";
import { shopsDueForTraining } from "../app/models/training-schedule.server";
import { trainShop } from "../app/models/training.server";
import { generateDemoStore } from "../demo/generate";
import { scheduleTrainingJob } from "../app/jobs/definitions/schedule-training";
import { startFakeAdmin, type FakeAdmin } from "./fakes/shopify-admin";
import { startTestApp, type TestApp } from "./helpers/app";
import { appProxyUrl, sendAsBrowser, webhookHeaders, withAdminSessionToken, withBearerSessionToken } from "./helpers/shopify-requests";

/**
 * Plans through Shopify's Billing API, end to end: the running app (real session tokens signed
 * with the app's secret, a stored offline session) talks to the fake Admin API, which answers
 * appSubscriptionCreate / appSubscriptionCancel / currentAppInstallation in Shopify's shapes.
 */

const NAME = "billing";
const SECRET = "billing-test-secret";
const CLIENT_ID = `${NAME}-key`;
const TOKEN = "shpat_billing_offline_token";
const SCOPES = "read_products,read_orders,read_customers";
const STORE = "billing-shop";
const DOMAIN = `${STORE}.myshopify.com`;
const SIGNER = { store: STORE, apiKey: CLIENT_ID, secret: SECRET };
const REAUTHORIZE_HEADER = "x-shopify-api-request-failure-reauthorize-url";

let app: TestApp;
let db: PrismaClient;
let fake: FakeAdmin;
let shopId: string;
const saved = { ...process.env };

/** An admin page as Shopify's admin loads it in its iframe: a session token in the URL. */
async function adminPage(pathAndQuery: string) {
  return sendAsBrowser(await withAdminSessionToken(new Request(app.server.origin + pathAndQuery), SIGNER));
}

/** A form post as App Bridge sends it from the embedded app: the session token as a Bearer header. */
async function adminPost(pathAndQuery: string, form: Record<string, string>) {
  const request = new Request(app.server.origin + pathAndQuery, { method: "POST", body: new URLSearchParams(form) });
  return sendAsBrowser(await withBearerSessionToken(request, SIGNER));
}

/** The offline session Shopify's OAuth (or token exchange) leaves for an installed shop. */
async function install() {
  shopId = (await ensureShop(db, DOMAIN, { name: "Billing Test Store" })).id;
  await db.session.create({
    data: { id: `offline_${DOMAIN}`, shop: DOMAIN, state: "installed", isOnline: false, scope: SCOPES, accessToken: TOKEN },
  });
}

async function deliverUninstall() {
  const body = JSON.stringify({ id: 1, name: "Billing Test Store", domain: DOMAIN, myshopify_domain: DOMAIN });
  const response = await fetch(`${app.server.origin}/webhooks/app/uninstalled`, {
    method: "POST",
    body,
    headers: webhookHeaders({ topic: "app/uninstalled", shop: DOMAIN, body, secret: SECRET }),
  });
  expect(response.status).toBe(200);
}

const billingCalls = (field: string) =>
  fake.requests.filter((request) => new RegExp(`\\b${field}\\s*\\(|\\b${field}\\s*\\{`).test(request.query));
const storedPlan = () =>
  db.shop.findUniqueOrThrow({ where: { domain: DOMAIN }, select: { plan: true, planSubscriptionId: true, planCheckedAt: true } });

describe("plans through Shopify's Billing API", () => {
  beforeAll(async () => {
    fake = await startFakeAdmin({ accessToken: TOKEN, store: { products: [], customers: [], orders: [] } });
    process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
    delete process.env.AFFINITY_BILLING_TEST;
    app = await startTestApp({ name: NAME, secret: SECRET });
    db = app.db;
    await install();
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    process.env = { ...saved };
  });

  it("puts a new shop on Free, as billing.check finds no subscription", async () => {
    const page = await adminPage("/app/plan");
    expect(page.status, page.body.slice(0, 500)).toBe(200);
    expect(page.body).toContain("Current plan: Free");
    expect(page.body).toContain("Upgrade to Growth");
    expect(billingCalls("currentAppInstallation").length).toBeGreaterThan(0);
    const stored = await storedPlan();
    expect(stored.plan).toBe("FREE");
    expect(stored.planCheckedAt).not.toBeNull();
  });

  it("upgrades through Shopify's confirmation page, with the plan's price, trial and test flag", async () => {
    const answer = await adminPost("/app/plan.data", { intent: "upgrade" });
    const created = billingCalls("appSubscriptionCreate");
    expect(created).toHaveLength(1);
    const subscription = fake.billing.subscriptions[0];
    // App Bridge sends the Bearer request; the library answers 401 with the URL to send the top window to.
    expect(answer.status).toBe(401);
    expect(answer.headers.get(REAUTHORIZE_HEADER)).toBe(
      `${fake.origin}/admin/charges/1000/RecurringApplicationCharge/confirm_recurring_application_charge?signature=fake1000`,
    );
    expect(created[0].variables).toMatchObject({
      name: GROWTH_PLAN,
      test: true,
      trialDays: GROWTH_TRIAL_DAYS,
      replacementBehavior: "APPLY_IMMEDIATELY",
      returnUrl: `https://admin.shopify.com/store/${STORE}/apps/${CLIENT_ID}/app/plan`,
      lineItems: [
        { plan: { appRecurringPricingDetails: { interval: "EVERY_30_DAYS", price: { amount: GROWTH_PRICE_USD, currencyCode: "USD" } } } },
      ],
    });
    expect(subscription).toMatchObject({ name: GROWTH_PLAN, status: "PENDING", test: true, trialDays: GROWTH_TRIAL_DAYS });
    // Not approved yet: still Free.
    expect((await storedPlan()).plan).toBe("FREE");
  });

  it("a document request is sent out of the iframe to the confirmation page", async () => {
    const request = await withAdminSessionToken(new Request(`${app.server.origin}/app/plan`), SIGNER);
    const answer = await sendAsBrowser(new Request(request.url, { method: "POST", body: new URLSearchParams({ intent: "upgrade" }) }));
    expect(answer.status, answer.body.slice(0, 300)).toBe(302);
    const location = new URL(answer.headers.get("location")!, app.server.origin);
    expect(location.pathname).toBe("/auth/exit-iframe");
    expect(location.searchParams.get("exitIframe")).toMatch(new RegExp(`^${fake.origin}/admin/charges/1001/`));
    expect(fake.billing.subscriptions).toHaveLength(2);
  });

  it("after the merchant approves, the Plan page and the database say Growth", async () => {
    fake.billing.approve(fake.billing.subscriptions[0].id);
    const page = await adminPage("/app/plan");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Current plan: Growth");
    expect(page.body).toContain("Test charge");
    expect(page.body).toContain("Downgrade to Free");
    expect(await storedPlan()).toMatchObject({ plan: "GROWTH", planSubscriptionId: fake.billing.subscriptions[0].id });
    // Asking again while on Growth starts no second subscription.
    const again = await adminPost("/app/plan.data", { intent: "upgrade" });
    expect(again.status).toBe(200);
    expect(again.body).toContain("plan.already_growth");
    expect(billingCalls("appSubscriptionCreate")).toHaveLength(2);
  });

  it("downgrades with appSubscriptionCancel, prorated, back to Free", async () => {
    const answer = await adminPost("/app/plan.data", { intent: "downgrade" });
    expect(answer.status).toBe(200);
    const cancels = billingCalls("appSubscriptionCancel");
    expect(cancels).toHaveLength(1);
    expect(cancels[0].variables).toEqual({ id: fake.billing.subscriptions[0].id, prorate: true });
    expect(fake.billing.subscriptions[0]).toMatchObject({ status: "CANCELLED", prorated: true });
    expect((await storedPlan()).plan).toBe("FREE");
    const page = await adminPage("/app/plan");
    expect(page.body).toContain("Current plan: Free");
  });

  it("after uninstall and reinstall the shop is on Free and must approve again", async () => {
    await adminPost("/app/plan.data", { intent: "upgrade" });
    const pending = fake.billing.subscriptions.at(-1)!;
    fake.billing.approve(pending.id);
    await adminPage("/app/plan");
    expect((await storedPlan()).plan).toBe("GROWTH");

    fake.billing.uninstall();
    await deliverUninstall();
    expect(await storedPlan()).toMatchObject({ plan: "FREE", planSubscriptionId: null, planCheckedAt: null });
    expect(await db.session.count({ where: { shop: DOMAIN } })).toBe(0);

    await install();
    const page = await adminPage("/app/plan");
    expect(page.body).toContain("Current plan: Free");
    expect((await storedPlan()).plan).toBe("FREE");
    const before = billingCalls("appSubscriptionCreate").length;
    const ask = await adminPost("/app/plan.data", { intent: "upgrade" });
    expect(ask.status).toBe(401);
    expect(billingCalls("appSubscriptionCreate")).toHaveLength(before + 1);
  });

  it("holds a Free shop's training over the order limit while its storefront keeps answering", async () => {
    const now = new Date();
    await importStoreSnapshot(db, shopId, generateDemoStore({ seed: 31, products: 30, customers: 50, orders: 400, end: now }), "DEMO");
    // The history moved into the last four weeks: a busy month for a store on the Free plan.
    await db.$executeRaw`UPDATE "Order" SET "processedAt" = now() - random() * interval '28 days' WHERE "shopId" = ${shopId}`;
    await trainShop(db, shopId);
    const version = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { activeModelVersionId: true } });
    // Trained two days ago: the nightly schedule has fired since.
    await db.modelVersion.update({
      where: { id: version.activeModelVersionId! },
      data: { trainedAt: new Date(now.getTime() - 2 * 86_400_000) },
    });
    const recentOrders = await db.order.count({
      where: { shopId, test: false, processedAt: { gte: new Date(now.getTime() - 30 * 86_400_000) } },
    });
    expect(recentOrders).toBeGreaterThan(FREE_ORDER_LIMIT);

    const queued: unknown[] = [];
    const context = { db, enqueue: async (_job: unknown, payload: unknown) => void queued.push(payload) } as unknown as Parameters<
      typeof scheduleTrainingJob.handler
    >[1];
    expect(await scheduleTrainingJob.handler({}, context)).toEqual({ queued: 0, held: 1 });
    const held: { shopId: string; reason: string }[] = [];
    await shopsDueForTraining(db, now, held);
    expect(held).toEqual([
      {
        shopId,
        reason: `Free plan: ${recentOrders} orders in the last 30 days, over its ${FREE_ORDER_LIMIT}; upgrade to Growth to retrain`,
      },
    ]);

    // The admin says why, with the upgrade button.
    const home = await adminPage("/app");
    expect(home.body).toContain("Training is paused on the Free plan");
    expect(home.body).toContain(`${recentOrders} orders in the last 30 days, over the Free plan&#x27;s ${FREE_ORDER_LIMIT}`);
    expect(home.body).toContain("Upgrade to Growth");

    const signed = await appProxyUrl(
      `${app.server.origin}/apps/affinity/recommendations`,
      { placement: "trending" },
      { store: STORE, secret: SECRET },
    );
    const storefront = await fetch(signed);
    expect(storefront.status).toBe(200);
    const answer = (await storefront.json()) as RecommendationAnswer;
    expect(answer.modelVersionId).toBe(version.activeModelVersionId);
    expect(answer.products.length).toBeGreaterThan(0);

    // On Growth the same shop is trained again.
    await db.shop.update({ where: { id: shopId }, data: { plan: "GROWTH" } });
    expect(await scheduleTrainingJob.handler({}, context)).toEqual({ queued: 1, held: 0 });
    expect(queued).toEqual([{ shopId }]);
  }, 120_000);
});

describe("demo mode", () => {
  let demoApp: TestApp;
  let demoFake: FakeAdmin;

  beforeAll(async () => {
    demoFake = await startFakeAdmin({ accessToken: TOKEN, store: { products: [], customers: [], orders: [] } });
    process.env.SHOPIFY_ADMIN_API_ORIGIN = demoFake.origin;
    demoApp = await startTestApp({ name: `${NAME}-demo`, secret: SECRET, demo: true });
  }, 120_000);

  afterAll(async () => {
    await demoApp?.stop();
    await demoFake?.close();
    process.env = { ...saved };
  });

  it("is free: the Plan page says so and neither it nor an upgrade calls the Billing API", async () => {
    const page = await sendAsBrowser(new Request(`${demoApp.server.origin}/app/plan`));
    expect(page.status).toBe(200);
    expect(page.body).toContain("Demo mode is free");
    expect(page.body).not.toContain('value="upgrade"');
    const upgrade = await sendAsBrowser(
      new Request(`${demoApp.server.origin}/app/plan.data`, { method: "POST", body: new URLSearchParams({ intent: "upgrade" }) }),
    );
    expect(upgrade.status).toBe(200);
    expect(upgrade.body).toContain("plan.demo_free");
    expect(demoFake.requests).toEqual([]);
  });
});

describe("plan rules", () => {
  it("limits Shopify shops on Free only: not Growth, not headless stores, not the demo store", () => {
    expect(planLimitApplies({ id: "a", plan: "FREE", platform: "SHOPIFY", domain: DOMAIN })).toBe(true);
    expect(planLimitApplies({ id: "b", plan: "GROWTH", platform: "SHOPIFY", domain: DOMAIN })).toBe(false);
    expect(planLimitApplies({ id: "c", plan: "FREE", platform: "HEADLESS", domain: "shop.example.com" })).toBe(false);
    expect(planLimitApplies({ id: "d", plan: "FREE", platform: "SHOPIFY", domain: DEMO_SHOP_DOMAIN })).toBe(false);
  });
});

describe("AFFINITY_BILLING_TEST", () => {
  it("defaults to test charges outside production, and refuses a value it does not know", () => {
    expect(billingIsTest({ NODE_ENV: "test" })).toBe(true);
    expect(billingIsTest({ NODE_ENV: "production" })).toBe(false);
    expect(billingIsTest({ NODE_ENV: "production", AFFINITY_BILLING_TEST: "1" })).toBe(true);
    expect(billingIsTest({ NODE_ENV: "development", AFFINITY_BILLING_TEST: "0" })).toBe(false);
    expect(() => billingIsTest({ NODE_ENV: "test", AFFINITY_BILLING_TEST: "yes" })).toThrow(
      'AFFINITY_BILLING_TEST must be 1 (test charges, never billed) or 0 (real charges), not "yes"',
    );
  });
});
