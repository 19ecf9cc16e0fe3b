import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  BillingInterval,
  BillingReplacementBehavior,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { CachedSessionStorage } from "./shopify/session-cache.server";
import { enqueueJob } from "./jobs/enqueue.server";
import { handleInstall } from "./models/install.server";
import { billingIsTest, GROWTH_PLAN, GROWTH_PRICE_USD, GROWTH_TRIAL_DAYS } from "./models/billing.server";
import { backfillJob } from "./jobs/definitions/backfill";
import { setting } from "./config/env.server";

const cachedSessions = new CachedSessionStorage(new PrismaSessionStorage(prisma));

/** Test charges or real ones (AFFINITY_BILLING_TEST); read once, so a bad value stops the start. */
export const billingTest = billingIsTest();

/**
 * Outside production, SHOPIFY_ADMIN_API_ORIGIN sends the library's own Admin API requests
 * (billing, token exchange) to that server, as app/shopify/admin-api.server.ts does for ours.
 */
const adminApiOrigin = setting("SHOPIFY_ADMIN_API_ORIGIN");
if (adminApiOrigin && setting("NODE_ENV") !== "production") {
  const origin = adminApiOrigin;
  setAbstractFetchFunc(((input: string | URL | Request, init?: RequestInit) => {
    const target = new URL(input instanceof Request ? input.url : input);
    if (!target.pathname.startsWith("/admin/")) return fetch(input, init);
    const local = new URL(target.pathname + target.search, origin);
    return input instanceof Request ? fetch(new Request(local, input), init) : fetch(local, init);
  }) as typeof fetch);
}

const customShopDomain = setting("SHOP_CUSTOM_DOMAIN");

const shopify = shopifyApp({
  apiKey: setting("SHOPIFY_API_KEY"),
  apiSecretKey: setting("SHOPIFY_API_SECRET") || "",
  apiVersion: ApiVersion.July26,
  scopes: setting("SCOPES")?.split(","),
  appUrl: setting("SHOPIFY_APP_URL") || "",
  authPathPrefix: "/auth",
  sessionStorage: cachedSessions,
  distribution: AppDistribution.AppStore,
  billing: {
    [GROWTH_PLAN]: {
      trialDays: GROWTH_TRIAL_DAYS,
      replacementBehavior: BillingReplacementBehavior.ApplyImmediately,
      lineItems: [{ amount: GROWTH_PRICE_USD, currencyCode: "USD", interval: BillingInterval.Every30Days }],
    },
  },
  // The library logs every authenticated request at Info: in production that is a line per
  // storefront request, which costs more than answering it.
  logger: { level: setting("NODE_ENV") === "production" ? LogSeverity.Warning : LogSeverity.Info },
  future: { unstable_newEmbeddedAuthStrategy: true },
  hooks: {
    afterAuth: async ({ session }) => {
      if (session.isOnline || !session.accessToken) return;
      await handleInstall(
        prisma,
        { shop: session.shop, accessToken: session.accessToken },
        {
          appUrl: setting("SHOPIFY_APP_URL") || "",
          queueBackfill: (shopId) => enqueueJob(backfillJob, { shopId }),
        },
      );
    },
  },
  ...(customShopDomain ? { customShopDomains: [customShopDomain] } : {}),
});

export const apiVersion = ApiVersion.July26;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const login = shopify.login;
export const sessionStorage = cachedSessions;
