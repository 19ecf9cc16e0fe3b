import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { getHmac, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";

/**
 * Requests to the running app as Shopify sends them: webhook deliveries, app proxy calls and
 * embedded admin requests with session tokens, signed the way Shopify signs them.
 */

/** Chromium's user agent: the Shopify library answers 410 to agents it takes for bots. */
export const BROWSER = {
  "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
};

/**
 * The headers of a webhook delivery for `body`, signed with the app's client secret; a `secret`
 * of null leaves the signature header out.
 */
export function webhookHeaders(delivery: { topic: string; shop: string; body: string; secret: string | null; webhookId?: string }) {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": delivery.topic,
    "X-Shopify-Shop-Domain": delivery.shop,
    "X-Shopify-Webhook-Id": delivery.webhookId ?? randomUUID(),
    "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Event-Id": randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
  if (delivery.secret !== null) headers["X-Shopify-Hmac-Sha256"] = getHmac(delivery.body, delivery.secret);
  return headers;
}

/** The stored delivery once the queue has processed it; throws after about ten seconds. */
export async function processedWebhook(db: PrismaClient, webhookId: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const event = await db.webhookEvent.findUnique({ where: { webhookId } });
    if (event?.processedAt) return event;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`webhook ${webhookId} was not processed`);
}

/**
 * `url` with `query` as Shopify's app proxy forwards it from the store's /apps/affinity: path
 * prefix, shop, timestamp and signature added by the Shopify library's own signer.
 */
export async function appProxyUrl(url: string | URL, query: Record<string, string>, proxy: { store: string; secret: string }) {
  const unsigned = new URL(url);
  for (const [key, value] of Object.entries({ path_prefix: "/apps/affinity", ...query })) unsigned.searchParams.set(key, value);
  const signed = await setUpValidRequest(
    { type: RequestType.Public, store: proxy.store, apiSecretKey: proxy.secret },
    new Request(unsigned),
  );
  return new URL(signed.url);
}

/** The app a session token is signed for (its client id and secret), in a store. */
export interface SessionTokenSigner {
  store: string;
  apiKey: string;
  secret: string;
}

/** `request` as Shopify's admin loads an embedded page in its iframe: a session token in the URL. */
export function withAdminSessionToken(request: Request, signer: SessionTokenSigner) {
  return setUpValidRequest({ type: RequestType.Admin, store: signer.store, apiKey: signer.apiKey, apiSecretKey: signer.secret }, request);
}

/** `request` as App Bridge sends it from the embedded app: the session token in the Authorization header. */
export function withBearerSessionToken(request: Request, signer: SessionTokenSigner) {
  return setUpValidRequest({ type: RequestType.Bearer, store: signer.store, apiKey: signer.apiKey, apiSecretKey: signer.secret }, request);
}

/** Sends `request` with a browser's user agent, not following redirects, and reads the answer as text. */
export async function sendAsBrowser(request: Request) {
  for (const [name, value] of Object.entries(BROWSER)) request.headers.set(name, value);
  const response = await fetch(request, { redirect: "manual" });
  return { status: response.status, headers: response.headers, location: response.headers.get("location"), body: await response.text() };
}
