import type { PrismaClient } from "@prisma/client";
import { createAdminApiClient } from "@shopify/admin-api-client";
import { setting } from "../config/env.server";

/** The Admin API version Affinity speaks; the same as the webhooks' api_version in shopify.app.toml. */
const ADMIN_API_VERSION = "2026-07";
/** GraphQL THROTTLED answers are retried this many times, waiting for the bucket to refill. */
const THROTTLE_RETRIES = 5;

export interface AdminApi {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export class AdminApiError extends Error {}
export class MissingAccessError extends Error {}

/**
 * Requests go to https://<shop>/admin/api/<version>/graphql.json. SHOPIFY_ADMIN_API_ORIGIN
 * (e.g. http://127.0.0.1:4010) sends them to another server speaking the same API instead:
 * a local fake for tests and offline development.
 */
function adminFetch(): typeof fetch | undefined {
  const origin = setting("SHOPIFY_ADMIN_API_ORIGIN");
  if (!origin) return undefined;
  return ((url: string, init?: RequestInit) => {
    const target = new URL(url);
    return fetch(new URL(target.pathname + target.search, origin), init);
  }) as typeof fetch;
}

export function adminApi(shop: string, accessToken: string): AdminApi {
  const client = createAdminApiClient({
    storeDomain: shop,
    apiVersion: ADMIN_API_VERSION,
    accessToken,
    retries: 2,
    customFetchApi: adminFetch(),
  });
  return {
    async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        const response = await client.request<T>(query, { variables });
        const errors = response.errors;
        if (!errors) return response.data as T;
        const throttled = errors.graphQLErrors?.some((error) => error?.extensions?.code === "THROTTLED");
        if (throttled && attempt < THROTTLE_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, 1_000 * 2 ** attempt));
          continue;
        }
        const details = errors.graphQLErrors
          ?.map((error) => error?.message)
          .filter(Boolean)
          .join("; ");
        throw new AdminApiError(
          `Admin API request to ${shop} failed: ${details || errors.message || "unknown error"}${errors.networkStatusCode ? ` (HTTP ${errors.networkStatusCode})` : ""}`,
        );
      }
    },
  };
}

/** The Admin API with the shop's offline access token, for work outside a request (jobs). */
export async function adminApiForShop(db: PrismaClient, shop: string): Promise<AdminApi> {
  const session = await db.session.findFirst({ where: { shop, isOnline: false }, orderBy: { expires: "desc" } });
  if (!session?.accessToken) {
    throw new MissingAccessError(`no offline access token for ${shop}: the app must be installed (or reinstalled) on the store`);
  }
  return adminApi(shop, session.accessToken);
}
