/**
 * Where recommendations are shown, and which source a shown product came from: the one list the
 * service, the admin, the database's enum, the OpenAPI document and the typed client follow
 * (test/placements.test.ts holds the enum and the client to it).
 */
export const PLACEMENTS = ["FOR_YOU", "BOUGHT_TOGETHER", "RELATED", "TRENDING", "BUY_AGAIN", "RECENTLY_VIEWED", "CART"] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** A placement as the storefront and the API write it: for_you, bought_together, … */
export type PlacementParam = Lowercase<Placement>;
export const placementParam = (placement: Placement) => placement.toLowerCase() as PlacementParam;
export const PLACEMENT_PARAMS: readonly PlacementParam[] = PLACEMENTS.map(placementParam);

/** The placements that answer for one product (the product page's). */
export const PER_PRODUCT_PLACEMENTS: readonly Placement[] = ["BOUGHT_TOGETHER", "RELATED"];

/** The source of a shown product, best first: the shopper's own, the product's, the shop's, then the merchant's pins. */
export const TIERS = ["personal", "similar", "trending", "best_sellers", "pinned"] as const;
export type Tier = (typeof TIERS)[number];
