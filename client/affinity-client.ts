/**
 * A typed client for Affinity's headless recommendations API (GET /api/v1/recommendations,
 * described at /api/v1/openapi.json). No dependencies: it runs wherever `fetch` does (a
 * Hydrogen or Remix loader, Next.js, a browser, Node 18+). Copy this file into a storefront.
 */

export type Placement = "for_you" | "bought_together" | "related" | "trending" | "buy_again" | "recently_viewed" | "cart";

export interface RecommendationQuery {
  placement?: Placement;
  /** The product shown (the store's id); required for bought_together and related. */
  productId?: string;
  /** Products in the cart (the store's ids). */
  cart?: string[];
  /** The logged-in customer (the store's id). */
  customerId?: string;
  /** An anonymous browser id, stable per shopper. */
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
  fetch?: typeof fetch;
}

export function createAffinityClient({ baseUrl, apiKey, fetch: fetchImpl = fetch }: AffinityClientOptions) {
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
      const response = await fetchImpl(url, { headers: { Authorization: `Bearer ${apiKey}`, Accept: "application/json" } });
      const body = (await response.json().catch(() => ({}))) as Partial<Recommendations> & { error?: string; errors?: { field: string; message: string }[] };
      if (!response.ok) {
        const retryAfter = response.headers.get("retry-after");
        throw new AffinityApiError(response.status, body.error ?? `HTTP ${response.status}`, body.errors, retryAfter ? Number(retryAfter) : null);
      }
      return body as Recommendations;
    },

    /** Reports what a shopper saw (impression), clicked or added to the cart, with the answer's token. */
    async event(event: { token: string; kind: "impression" | "click" | "add_to_cart"; productIds: string[]; customerId?: string; visitor?: string }): Promise<{ recorded: number }> {
      const url = new URL("/api/v1/events", baseUrl);
      if (event.customerId) url.searchParams.set("customer_id", event.customerId);
      const response = await fetchImpl(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
        body: JSON.stringify({ token: event.token, kind: event.kind, productIds: event.productIds, visitor: event.visitor }),
      });
      const body = (await response.json().catch(() => ({}))) as { recorded?: number; error?: string; errors?: { field: string; message: string }[] };
      if (!response.ok) throw new AffinityApiError(response.status, body.error ?? `HTTP ${response.status}`, body.errors);
      return { recorded: body.recorded ?? 0 };
    },
  };
}
