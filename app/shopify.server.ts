import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { CachedSessionStorage } from "./shopify/session-cache.server";
import { enqueueJob } from "./jobs.server";
import { handleInstall } from "./models/install.server";
import { backfillJob } from "../workers/jobs/backfill";

const cachedSessions = new CachedSessionStorage(new PrismaSessionStorage(prisma));

const shopify = shopifyApp({
  apiKey: process.env.SHOPIFY_API_KEY,
  apiSecretKey: process.env.SHOPIFY_API_SECRET || "",
  apiVersion: ApiVersion.July26,
  scopes: process.env.SCOPES?.split(","),
  appUrl: process.env.SHOPIFY_APP_URL || "",
  authPathPrefix: "/auth",
  sessionStorage: cachedSessions,
  distribution: AppDistribution.AppStore,
  // The library logs every authenticated request at Info: in production that is a line per
  // storefront request, which costs more than answering it.
  logger: { level: process.env.NODE_ENV === "production" ? LogSeverity.Warning : LogSeverity.Info },
  future: { unstable_newEmbeddedAuthStrategy: true },
  hooks: {
    afterAuth: async ({ session }) => {
      if (session.isOnline || !session.accessToken) return;
      await handleInstall(prisma, { shop: session.shop, accessToken: session.accessToken }, {
        appUrl: process.env.SHOPIFY_APP_URL || "",
        queueBackfill: (shopId) => enqueueJob(backfillJob, { shopId }),
      });
    },
  },
  ...(process.env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [process.env.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = ApiVersion.July26;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = cachedSessions;
