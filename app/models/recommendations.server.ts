import type { Placement, PrismaClient } from "@prisma/client";

/** One entry of a precomputed list, as training writes it. */
export interface ListItem {
  productId: string;
  score: number;
  reason: { kind: string; itemId?: string; collection?: string };
}

export interface RecommendationRequest {
  shopId: string;
  placement: Placement;
  customerId?: string | null;
  productId?: string | null;
  limit?: number;
}

/** What a block needs to render a product card without another request. */
export interface RecommendedProduct {
  productId: string;
  externalId: string;
  handle: string | null;
  title: string;
  url: string;
  price: number;
  compareAtPrice: number | null;
  image: string | null;
  available: boolean;
  score: number;
  reason: string;
}

export const DEFAULT_LIMIT = 8;
export const MAX_LIMIT = 50;

const PERSONAL: Placement[] = ["FOR_YOU", "BUY_AGAIN"];
const PER_PRODUCT: Placement[] = ["BOUGHT_TOGETHER", "RELATED"];

export class RecommendationError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function subjectKey(request: RecommendationRequest): string {
  if (PERSONAL.includes(request.placement)) {
    if (!request.customerId) return "*";
    return request.customerId;
  }
  if (PER_PRODUCT.includes(request.placement)) {
    if (!request.productId) throw new RecommendationError(`placement ${request.placement} needs a product id`, 400);
    return request.productId;
  }
  return "*";
}

/**
 * Reads the active model version's precomputed list for the request and hydrates it with the
 * live catalogue (unavailable and deleted products drop out). A personal list for a shopper
 * without one falls back to the shop's trending list, so a block is never empty while the
 * shop has products.
 */
export async function getRecommendations(db: PrismaClient, request: RecommendationRequest): Promise<RecommendedProduct[]> {
  const limit = Math.min(Math.max(1, request.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
  const shop = await db.shop.findUnique({ where: { id: request.shopId }, select: { activeModelVersionId: true } });
  if (!shop) throw new RecommendationError(`unknown shop ${request.shopId}`, 404);
  if (!shop.activeModelVersionId) {
    throw new RecommendationError("no model has been trained for this shop yet; run a training first", 503);
  }
  const modelVersionId = shop.activeModelVersionId;
  const key = subjectKey(request);

  const lists: Array<{ placement: Placement; subjectKey: string }> = [{ placement: request.placement, subjectKey: key }];
  if (request.placement !== "TRENDING" && request.placement !== "BUY_AGAIN") lists.push({ placement: "TRENDING", subjectKey: "*" });

  const exclude = new Set<string>(request.productId ? [request.productId] : []);
  const chosen: ListItem[] = [];
  for (const list of lists) {
    const row = await db.recommendationList.findUnique({
      where: { modelVersionId_placement_subjectKey: { modelVersionId, ...list } },
      select: { items: true },
    });
    for (const item of (row?.items as ListItem[] | undefined) ?? []) {
      if (exclude.has(item.productId)) continue;
      exclude.add(item.productId);
      chosen.push(item);
    }
    // Hydration can drop unavailable products, so keep a margin before stopping.
    if (chosen.length >= limit * 2) break;
  }
  return hydrate(db, request.shopId, chosen, limit);
}

async function hydrate(db: PrismaClient, shopId: string, items: ListItem[], limit: number): Promise<RecommendedProduct[]> {
  const referenced = new Set(items.flatMap((item) => [item.productId, item.reason.itemId ?? []].flat()));
  const products = await db.product.findMany({
    where: { shopId, id: { in: [...referenced] } },
    select: {
      id: true, externalId: true, handle: true, title: true, priceMin: true, compareAtPrice: true,
      imageUrl: true, available: true, status: true, deletedAt: true,
    },
  });
  const byId = new Map(products.map((product) => [product.id, product]));
  const result: RecommendedProduct[] = [];
  for (const item of items) {
    const product = byId.get(item.productId);
    if (!product || !product.available || product.status !== "ACTIVE" || product.deletedAt) continue;
    result.push({
      productId: product.id,
      externalId: product.externalId,
      handle: product.handle,
      title: product.title,
      url: product.handle ? `/products/${product.handle}` : `/products/${product.externalId}`,
      price: Number(product.priceMin),
      compareAtPrice: product.compareAtPrice === null ? null : Number(product.compareAtPrice),
      image: product.imageUrl,
      available: product.available,
      score: item.score,
      reason: describeReason(item.reason, (id) => byId.get(id)?.title),
    });
    if (result.length === limit) break;
  }
  return result;
}

export function describeReason(reason: ListItem["reason"], titleOf: (productId: string) => string | undefined): string {
  const other = reason.itemId ? titleOf(reason.itemId) : undefined;
  switch (reason.kind) {
    case "bought_with":
      return other ? `Often bought with ${other}` : "Often bought together";
    case "because_you_bought":
      return other ? `Because you bought ${other}` : "Based on your purchases";
    case "buy_again":
      return "Time to restock";
    case "trending":
      return reason.collection ? `Trending in ${reason.collection}` : "Trending now";
    case "similar":
      return other ? `Similar to ${other}` : "You may also like";
    default:
      return "Popular in this store";
  }
}

export const PLACEMENTS: Placement[] = ["FOR_YOU", "BOUGHT_TOGETHER", "RELATED", "TRENDING", "BUY_AGAIN", "RECENTLY_VIEWED", "CART"];

/** Parses a placement as the storefront writes it (for_you, bought_together, …). */
export function parsePlacement(value: string | null): Placement | null {
  const upper = (value ?? "").trim().toUpperCase();
  return (PLACEMENTS as string[]).includes(upper) ? (upper as Placement) : null;
}
