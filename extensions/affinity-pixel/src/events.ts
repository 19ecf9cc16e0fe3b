import type {
  CustomEvent,
  PixelEventsCheckoutCompleted,
  PixelEventsProductAddedToCart,
  PixelEventsProductViewed,
  PixelEventsSearchSubmitted,
} from "@shopify/web-pixels-extension";

/** The custom event a theme (or Affinity's own blocks) publishes: Shopify.analytics.publish(WISHLIST_EVENT, {...}). */
export const WISHLIST_EVENT = "affinity:wishlist";

/** One storefront event as the app's /pixel/events endpoint takes it. */
export interface PixelEvent {
  /** Shopify's event id: the same event sent twice is stored once. */
  id: string;
  kind: "view" | "add_to_cart" | "search" | "purchase" | "wishlist_add" | "wishlist_remove";
  at: string;
  productId?: string;
  quantity?: number;
  query?: string;
  /** For purchases: every product bought, and the order. */
  productIds?: string[];
  orderId?: string;
  /** For purchases: the checkout, which the signed order webhook names too (that links this browser to its customer). */
  checkoutToken?: string;
}

export interface PixelBatch {
  shop: string;
  key: string;
  clientId: string;
  consent: { analytics: boolean };
  events: PixelEvent[];
}

/** Shopify sends numeric ids in the pixel API, but tolerate global ids ("gid://shopify/Product/1"). */
function plainId(id: string | number | null | undefined): string | undefined {
  if (id === null || id === undefined || id === "") return undefined;
  const text = String(id);
  return text.startsWith("gid://") ? text.slice(text.lastIndexOf("/") + 1) : text;
}

export function fromProductViewed(event: PixelEventsProductViewed): PixelEvent | null {
  const productId = plainId(event.data?.productVariant?.product?.id);
  return productId ? { id: event.id, kind: "view", at: event.timestamp, productId } : null;
}

export function fromProductAddedToCart(event: PixelEventsProductAddedToCart): PixelEvent | null {
  const line = event.data?.cartLine;
  const productId = plainId(line?.merchandise?.product?.id);
  return productId ? { id: event.id, kind: "add_to_cart", at: event.timestamp, productId, quantity: line!.quantity || 1 } : null;
}

export function fromSearchSubmitted(event: PixelEventsSearchSubmitted): PixelEvent | null {
  const query = event.data?.searchResult?.query?.trim();
  return query ? { id: event.id, kind: "search", at: event.timestamp, query: query.slice(0, 200) } : null;
}

export function fromCheckoutCompleted(event: PixelEventsCheckoutCompleted): PixelEvent | null {
  const checkout = event.data?.checkout;
  const productIds = (checkout?.lineItems ?? [])
    .map((item) => plainId(item.variant?.product?.id))
    .filter((id): id is string => id !== undefined);
  if (productIds.length === 0) return null;
  return {
    id: event.id,
    kind: "purchase",
    at: event.timestamp,
    productIds,
    orderId: plainId(checkout?.order?.id),
    checkoutToken: checkout?.token || undefined,
  };
}

/** `{ action: "add" | "remove", productId }` published by the theme under WISHLIST_EVENT. */
export function fromWishlistEvent(event: CustomEvent): PixelEvent | null {
  const data = (event.customData ?? {}) as { action?: unknown; productId?: unknown };
  const productId = typeof data.productId === "string" || typeof data.productId === "number" ? plainId(data.productId) : undefined;
  if (!productId || (data.action !== "add" && data.action !== "remove")) return null;
  return { id: event.id, kind: data.action === "add" ? "wishlist_add" : "wishlist_remove", at: event.timestamp, productId };
}
