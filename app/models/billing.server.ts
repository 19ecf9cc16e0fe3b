import type { PrismaClient, ShopPlan, ShopPlatform } from "@prisma/client";
import { DEMO_SHOP_DOMAIN } from "../demo.server";
import { setting } from "../config/env.server";

/**
 * Plans and their limits (docs/admin.md, "Plans and billing"). The paid plan is a recurring
 * subscription through Shopify's Billing API; the stored plan on the Shop row is what the worker,
 * which has no session, enforces.
 */

/** The paid plan's name: the subscription's name at Shopify and the key of the billing config. */
export const GROWTH_PLAN = "Growth";
/** Growth's price in USD, charged every 30 days by Shopify. */
export const GROWTH_PRICE_USD = 19;
export const GROWTH_TRIAL_DAYS = 14;
/** The Free plan retrains shops with up to this many orders in the last FREE_WINDOW_DAYS days. */
export const FREE_ORDER_LIMIT = 300;
export const FREE_WINDOW_DAYS = 30;
/** How old the stored plan may be before an admin page load asks Shopify again. */
export const PLAN_REFRESH_MS = 10 * 60_000;

/**
 * Whether charges are test charges (Shopify shows them but never bills them). AFFINITY_BILLING_TEST
 * is 1 or 0; unset, charges are test charges everywhere but NODE_ENV=production.
 */
export function billingIsTest(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = setting("AFFINITY_BILLING_TEST", env);
  if (value === undefined) return setting("NODE_ENV", env) !== "production";
  return value === "1";
}

/** An active subscription as billing.check returns it (the fields this app reads). */
export interface ActiveSubscription {
  id: string;
  name: string;
  status: string;
  test: boolean;
  trialDays: number;
  createdAt?: string;
  currentPeriodEnd?: string | null;
}

/** The Growth subscription among a shop's active ones, if it has one. */
function growthSubscription(subscriptions: ActiveSubscription[]): ActiveSubscription | undefined {
  return subscriptions.find((subscription) => subscription.name === GROWTH_PLAN && subscription.status === "ACTIVE");
}

/** Stores what Shopify says the shop pays for: Growth while its subscription is active, else Free. */
export async function storePlan(
  db: PrismaClient,
  shopDomain: string,
  subscriptions: ActiveSubscription[],
  now = new Date(),
): Promise<ShopPlan> {
  const growth = growthSubscription(subscriptions);
  const plan: ShopPlan = growth ? "GROWTH" : "FREE";
  await db.shop.updateMany({ where: { domain: shopDomain }, data: { plan, planSubscriptionId: growth?.id ?? null, planCheckedAt: now } });
  return plan;
}

/** The part of the library's admin `billing` context the plan refresh uses. */
export interface BillingChecker {
  check(options: { plans: (typeof GROWTH_PLAN)[]; isTest: boolean }): Promise<{ appSubscriptions: ActiveSubscription[] }>;
}

/** Asks Shopify for the shop's active subscriptions (billing.check) and stores the plan they make. */
export async function refreshPlan(db: PrismaClient, shopDomain: string, billing: BillingChecker, isTest: boolean, now = new Date()) {
  const { appSubscriptions } = await billing.check({ plans: [GROWTH_PLAN], isTest });
  const plan = await storePlan(db, shopDomain, appSubscriptions, now);
  return { plan, subscription: growthSubscription(appSubscriptions) ?? null };
}

/** At uninstall Shopify cancels the app's subscriptions, so a reinstalled shop starts on Free. */
export async function clearPlan(db: PrismaClient, shopDomain: string): Promise<void> {
  await db.shop.updateMany({ where: { domain: shopDomain }, data: { plan: "FREE", planSubscriptionId: null, planCheckedAt: null } });
}

/** Whether the stored plan is old enough to ask Shopify again. */
export function planIsStale(checkedAt: Date | null, now = new Date()): boolean {
  return !checkedAt || now.getTime() - checkedAt.getTime() > PLAN_REFRESH_MS;
}

/** What the plan rules read of a shop. */
export interface PlanShop {
  id: string;
  plan: ShopPlan;
  domain?: string;
  platform?: ShopPlatform;
}

/**
 * Headless stores are not billed through Shopify, and the demo store is free: neither is limited.
 */
export function planLimitApplies(shop: PlanShop): boolean {
  return shop.plan === "FREE" && shop.platform !== "HEADLESS" && shop.domain !== DEMO_SHOP_DOMAIN;
}

export interface PlanUsage {
  plan: ShopPlan;
  /** Orders placed in the last FREE_WINDOW_DAYS days (test orders not counted). */
  orders: number;
  limit: number;
  windowDays: number;
  /** Free and over the limit: the schedule queues no training, the storefront keeps its lists. */
  trainingHeld: boolean;
}

/** The shop's plan and its orders against the Free limit. */
export async function planUsage(db: PrismaClient, shop: PlanShop, now = new Date()): Promise<PlanUsage> {
  const since = new Date(now.getTime() - FREE_WINDOW_DAYS * 86_400_000);
  const orders = await db.order.count({ where: { shopId: shop.id, test: false, processedAt: { gte: since } } });
  return {
    plan: shop.plan,
    orders,
    limit: FREE_ORDER_LIMIT,
    windowDays: FREE_WINDOW_DAYS,
    trainingHeld: planLimitApplies(shop) && orders > FREE_ORDER_LIMIT,
  };
}

/** Why a shop's retraining is held, or null when its plan allows it. */
export async function trainingHoldReason(db: PrismaClient, shop: PlanShop, now = new Date()): Promise<string | null> {
  if (!planLimitApplies(shop)) return null;
  const usage = await planUsage(db, shop, now);
  if (!usage.trainingHeld) return null;
  return `Free plan: ${usage.orders} orders in the last ${usage.windowDays} days, over its ${usage.limit}; upgrade to ${GROWTH_PLAN} to retrain`;
}

/** The embedded admin's address of the Plan page, where Shopify returns the merchant after approving. */
export function planPageReturnUrl(shopDomain: string, apiKey: string): string {
  const store = shopDomain.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${store}/apps/${apiKey}/app/plan`;
}
