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
  const values = new Map<string, string[]>();
  for (const [key, value] of url.searchParams) {
    if (key === "signature") continue;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const message = [...values.keys()]
    .sort((a, b) => a.localeCompare(b))
    .map((key) => `${key}=${values.get(key)!.join(",")}`)
    .join("");
  const expected = Buffer.from(createHmac("sha256", secret).update(message).digest("hex"));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Throws the 400 answer `authenticate.public.appProxy` gives a request Shopify did not sign. */
export function requireAppProxySignature(request: Request, secret = process.env.SHOPIFY_API_SECRET ?? ""): URL {
  const url = new URL(request.url);
  if (!validAppProxySignature(url, secret)) throw new Response(undefined, { status: 400, statusText: "Bad Request" });
  return url;
}
