import { createHmac, timingSafeEqual } from "node:crypto";

/** How far a signed request's timestamp may be from now, as @shopify/shopify-api allows. */
const TOLERANCE_SECONDS = 90;

/**
 * Checks the signature Shopify's app proxy adds to a storefront request: HMAC-SHA256 (hex) with
 * the app's secret over the query without `signature`, as `key=value` pairs sorted by key and
 * concatenated, a repeated key's values joined by commas; the timestamp within 90 seconds.
 * The same check as `authenticate.public.appProxy`, which computes it through WebCrypto and
 * loads the shop's offline session on every request: a third of the storefront endpoint's CPU
 * under load (see the README's serving figures).
 */
export function validAppProxySignature(url: URL, secret: string, nowSeconds = Date.now() / 1000): boolean {
  const signature = url.searchParams.get("signature");
  const timestamp = Number(url.searchParams.get("timestamp"));
  if (!signature || !secret || !Number.isFinite(timestamp) || Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(appProxyHmac(url.searchParams, secret));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Signs a storefront request as Shopify's app proxy does before forwarding it: adds `shop`,
 * `path_prefix`, `timestamp` and the signature (the storefront harness plays the proxy).
 */
export function signAppProxyRequest(
  url: URL,
  shop: string,
  pathPrefix: string,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): URL {
  const signed = new URL(url);
  signed.searchParams.delete("signature");
  signed.searchParams.set("shop", shop);
  signed.searchParams.set("path_prefix", pathPrefix);
  signed.searchParams.set("timestamp", String(nowSeconds));
  signed.searchParams.set("signature", appProxyHmac(signed.searchParams, secret));
  return signed;
}

/** HMAC-SHA256 (hex) of the query without `signature`: sorted `key=value` pairs, repeated values joined by commas. */
function appProxyHmac(params: URLSearchParams, secret: string): string {
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "signature") continue;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const message = [...values.keys()]
    .sort((a, b) => a.localeCompare(b))
    .map((key) => `${key}=${values.get(key)!.join(",")}`)
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}
