import { PER_PRODUCT_PLACEMENTS, PLACEMENT_PARAMS, PLACEMENTS, type Placement } from "../../engine/placements";
import type { FieldError } from "../../json-body.server";
import { MAX_ID_LENGTH, parseDecimalInteger, readQueryText } from "../../text-input.server";

export const DEFAULT_LIMIT = 8;
export const MAX_LIMIT = 50;
export { PLACEMENTS };
/** Per-product placements need the product shown. */
export const PER_PRODUCT = PER_PRODUCT_PLACEMENTS;

/** One storefront request, as the app proxy or the headless API received it. */
export interface RecommendationRequest {
  shopId: string;
  placement: Placement;
  /** The shopper: a customer by row id or store id (logged_in_customer_id), and/or an anonymous browser id. */
  customerId?: string | null;
  visitorKey?: string | null;
  /** The product on the page, by row id or store id. */
  productId?: string | null;
  /** Products in the cart, by row id or store id. */
  cart?: string[];
  limit?: number;
  now?: Date;
  /** Include each product's score and the signals behind it (the admin's preview; storefronts need neither). */
  detail?: boolean;
}

/** Parses a placement as the storefront writes it (for_you, bought_together, …). */
export function parsePlacement(value: string | null): Placement | null {
  const upper = (value ?? "").trim().toUpperCase();
  return (PLACEMENTS as readonly string[]).includes(upper) ? (upper as Placement) : null;
}

export interface RecommendationQuery {
  placement: Placement;
  productId: string | null;
  cart: string[];
  limit: number;
  visitorKey: string | null;
}

/**
 * Reads `placement`, `product_id`, `cart` (comma-separated product ids), `limit` and `visitor`
 * from a storefront query string, naming each bad field. Every text is checked for storage
 * (no NUL, well-formed, bounded) and `limit` must be decimal digits. The shopper parameters the
 * two doors pass on unread (`customer_id`, `logged_in_customer_id`) are checked here too, as
 * they reach the same lookups.
 */
export function readRecommendationQuery(params: URLSearchParams): { query: RecommendationQuery } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const text = (field: string, max: number) => {
    const read = readQueryText(params, field, max);
    if ("error" in read) errors.push(read.error);
    return "value" in read ? read.value : null;
  };
  const placement = parsePlacement(params.get("placement") ?? "for_you");
  if (!placement) errors.push({ field: "placement", message: `must be one of ${PLACEMENT_PARAMS.join(", ")}` });
  const limitText = params.get("limit");
  const limit = limitText === null || limitText === "" ? DEFAULT_LIMIT : parseDecimalInteger(limitText);
  if (limit === null || limit < 1 || limit > MAX_LIMIT)
    errors.push({ field: "limit", message: `must be a whole number from 1 to ${MAX_LIMIT}, in decimal digits` });
  const productId = text("product_id", MAX_ID_LENGTH);
  if (placement && PER_PRODUCT.includes(placement) && !productId && !errors.some((error) => error.field === "product_id")) {
    errors.push({ field: "product_id", message: `is required for ${placement.toLowerCase()}: the product shown` });
  }
  const cart = (text("cart", MAX_LIMIT * (MAX_ID_LENGTH + 1)) ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  if (cart.length > MAX_LIMIT) errors.push({ field: "cart", message: `may name at most ${MAX_LIMIT} products` });
  else if (cart.some((id) => id.length > MAX_ID_LENGTH))
    errors.push({ field: "cart", message: `each product id must be at most ${MAX_ID_LENGTH} characters` });
  const visitorKey = text("visitor", MAX_VISITOR_KEY_LENGTH);
  for (const field of SHOPPER_FIELDS) text(field, MAX_ID_LENGTH);
  if (errors.length || !placement || limit === null) return { errors };
  return { query: { placement, productId, cart, limit, visitorKey } };
}

/** A browser's id (Shopify's `_shopify_y` cookie, or the headless storefront's own). */
const MAX_VISITOR_KEY_LENGTH = 128;
/** How each door names the logged-in shopper: the headless API, and Shopify's app proxy. */
const SHOPPER_FIELDS = ["customer_id", "logged_in_customer_id"];
