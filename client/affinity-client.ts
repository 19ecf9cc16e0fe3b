/**
 * A typed client for Affinity's headless recommendations API (GET /api/v1/recommendations,
 * described at /api/v1/openapi.json). No dependencies: it runs wherever `fetch` does (a
 * Hydrogen or Remix loader, Next.js, a browser, Node 18+). Copy this file into a storefront.
 *
 * Two kinds of key. On your server, use a secret key (afk_sk_…): it may name the shopper
 * (`customerId`, `visitor`) and mint shopper tokens. In a browser, use a publishable key
 * (afk_pk_…) with the origin allowed: it reads shop-wide and per-product lists, and a
 * logged-in shopper's own lists only with the `shopperToken` your server minted for them:
 *
 *   // server, when the shopper logs in
 *   const { token } = await createAffinityClient({ baseUrl, apiKey: SECRET_KEY }).shopperToken({ customerId });
 *   // browser
 *   createAffinityClient({ baseUrl, apiKey: PUBLISHABLE_KEY, shopperToken: token }).recommendations({ placement: "for_you" });
 */

export type Placement = "for_you" | "bought_together" | "related" | "trending" | "buy_again" | "recently_viewed" | "cart";

export interface RecommendationQuery {
  placement?: Placement;
  /** The product shown (the store's id); required for bought_together and related. */
  productId?: string;
  /** Products in the cart (the store's ids). */
  cart?: string[];
  /** The logged-in customer (the store's id). Secret keys only: a browser uses `shopperToken`. */
  customerId?: string;
  /** An anonymous browser id, stable per shopper. Secret keys only: a browser uses `shopperToken`. */
  visitor?: string;
  /** 1 to 50; 8 by default. */
  limit?: number;
}

export interface RecommendedProduct {
  productId: string;
  externalId: string;
  handle: string | null;
  title: string;
  url: string;
  price: number;
  compareAtPrice: number | null;
  image: string | null;
  imageAlt: string | null;
  variantId: string | null;
  available: boolean;
  reason: string;
  tier: "personal" | "similar" | "trending" | "best_sellers" | "pinned";
}

export interface Recommendations {
  placement: Placement;
  /** Send back with impressions and clicks; orders that follow are attributed to it. */
  token: string;
  holdout: boolean;
  modelVersionId: string | null;
  products: RecommendedProduct[];
}

export class AffinityApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** For a 400: each invalid parameter and what is wrong with it. */
    readonly fieldErrors: { field: string; message: string }[] = [],
    /** For a 429: seconds to wait. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "AffinityApiError";
  }
}

export interface AffinityClientOptions {
  /** Where the app runs, e.g. https://affinity.example.com. */
  baseUrl: string;
  apiKey: string;
  /** With a publishable key: the shopper token your server minted for this shopper. */
  shopperToken?: string;
  fetch?: typeof fetch;
}

export interface ShopperToken {
  token: string;
  expiresAt: string;
}

type ErrorBody = { error?: string; errors?: { field: string; message: string }[] };

function failure(response: Response, body: ErrorBody): AffinityApiError {
  const retryAfter = response.headers.get("retry-after");
  return new AffinityApiError(
    response.status,
    body.error ?? `HTTP ${response.status}`,
    body.errors,
    retryAfter ? Number(retryAfter) : null,
  );
}

export function createAffinityClient({ baseUrl, apiKey, shopperToken, fetch: fetchImpl = fetch }: AffinityClientOptions) {
  const headers = (extra: Record<string, string> = {}) => ({
    Authorization: `Bearer ${apiKey}`,
    ...(shopperToken ? { "X-Affinity-Shopper-Token": shopperToken } : {}),
    ...extra,
  });
  return {
    async recommendations(query: RecommendationQuery = {}): Promise<Recommendations> {
      const url = new URL("/api/v1/recommendations", baseUrl);
      const params: Record<string, string | undefined> = {
        placement: query.placement,
        product_id: query.productId,
        cart: query.cart?.join(","),
        customer_id: query.customerId,
        visitor: query.visitor,
        limit: query.limit === undefined ? undefined : String(query.limit),
      };
      for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
      const response = await fetchImpl(url, { headers: headers({ Accept: "application/json" }) });
      const body = (await response.json().catch(() => ({}))) as Partial<Recommendations> & ErrorBody;
      if (!response.ok) throw failure(response, body);
      return body as Recommendations;
    },

    /**
     * Reports what a shopper saw (impression), clicked or added to the cart, with the answer's
     * token, naming the same shopper the answer was for. A product reported twice for one answer
     * and kind counts once (`duplicates`).
     */
    async event(event: {
      token: string;
      kind: "impression" | "click" | "add_to_cart";
      productIds: string[];
      customerId?: string;
      visitor?: string;
    }): Promise<{ recorded: number; duplicates: number }> {
      const url = new URL("/api/v1/events", baseUrl);
      if (event.customerId) url.searchParams.set("customer_id", event.customerId);
      const response = await fetchImpl(url, {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify({ token: event.token, kind: event.kind, productIds: event.productIds, visitor: event.visitor }),
      });
      const body = (await response.json().catch(() => ({}))) as { recorded?: number; duplicates?: number } & ErrorBody;
      if (!response.ok) throw failure(response, body);
      return { recorded: body.recorded ?? 0, duplicates: body.duplicates ?? 0 };
    },

    /** Server side, with a secret key: a short-lived token for one shopper, for their browser's publishable-key client. */
    async shopperToken(shopper: { customerId?: string; visitor?: string; ttlSeconds?: number }): Promise<ShopperToken> {
      const response = await fetchImpl(new URL("/api/v1/shopper-tokens", baseUrl), {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify(shopper),
      });
      const body = (await response.json().catch(() => ({}))) as Partial<ShopperToken> & ErrorBody;
      if (!response.ok) throw failure(response, body);
      return body as ShopperToken;
    },
  };
}
