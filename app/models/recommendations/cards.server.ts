import type { Ranked } from "../../engine/rules";
import type { ShopSnapshot } from "../storefront/snapshot.server";
import { describeReason } from "./reasons.server";

/** What a block needs to render a product card without another request. */
/**
 * A product as the storefront and the API answer it: the OpenAPI document's Product
 * (openapi.server.ts) and the typed client's RecommendedProduct, held to it by
 * test/placements.test.ts; `score` and `signals` only in the preview's detail.
 */
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
  tier: Ranked["tier"];
  score?: number;
  signals?: Ranked["signals"];
}

/** A ranked product as the answer lists it; `detail` adds its score and signals. */
export function card(snapshot: ShopSnapshot, item: Ranked, detail: boolean): RecommendedProduct {
  const product = snapshot.product(item.itemId)!;
  const card: RecommendedProduct = {
    productId: product.id,
    externalId: product.externalId,
    handle: product.handle,
    title: product.title,
    // Encoded, so that a crafted handle stays one path segment under /products/ (no ../, no //host).
    url: `/products/${encodeURIComponent(product.handle || product.externalId)}`,
    price: product.price,
    compareAtPrice: product.compareAtPrice,
    image: product.imageUrl,
    imageAlt: product.imageAlt ?? product.title,
    variantId: product.variantId,
    available: product.inStock,
    reason: describeReason(item.reason, (id) => snapshot.product(id)?.title),
    tier: item.tier,
  };
  if (detail) Object.assign(card, { score: Number.isFinite(item.score) ? item.score : 0, signals: item.signals });
  return card;
}
