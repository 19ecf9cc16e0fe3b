import type { Placement, Tier } from "./placements";
import type { Reason, Recommendation } from "./types";

export type { Placement, Tier };

/**
 * Merchandising at serve time: what the merchant decides on top of what the models rank.
 * Pure and synchronous, so every request applies the current rules to cached lists without
 * retraining, and every rule has a hand-made test (rules.test.ts).
 *
 * Order of work for one request:
 *   1. candidates come in tiers, best first (personal → similar → trending → best sellers);
 *   2. a candidate is dropped if it cannot be sold, is out of stock (inStockOnly), is the
 *      product shown, is in the cart, was bought before (hidePurchased, except buy-again and
 *      the due repeats training puts in "Recommended for you"),
 *      falls outside the price band around the product shown, or is excluded by a rule;
 *   3. its score is multiplied by the seasonality weight of this month, every running
 *      promotion and every boost or bury that matches it; tiers stay in order, and within a
 *      tier the adjusted score ranks;
 *   4. at most `maxPerProductType` per product type (diversity), then pins take their slots.
 */

export type TargetType = "PRODUCT" | "COLLECTION" | "TAG" | "PRODUCT_TYPE" | "VENDOR";

/** What serving knows about a product, from the live catalogue. */
export interface ProductFacts {
  id: string;
  /** The store's id: rules may name a product by either. */
  externalId: string;
  productType: string;
  vendor: string;
  /** Lower case. */
  tags: string[];
  /** Collection handles. */
  collections: string[];
  price: number;
  /** Active, published and not deleted. */
  sellable: boolean;
  inStock: boolean;
}

export interface Target {
  targetType: TargetType;
  targetValue: string;
}

/** Twelve weights, January first; 1 is neutral. */
export interface SeasonalityCurve extends Target {
  months: number[];
}

export interface Promotion extends Target {
  /** Multiplier on the score: 1 leaves it, 2 doubles it. */
  weight: number;
  startsAt: Date;
  endsAt: Date;
}

export interface MerchandisingRule extends Target {
  kind: "PIN" | "EXCLUDE" | "BOOST" | "BURY";
  /** Null: every placement. */
  placement: Placement | null;
  /** PIN: the slot, 1-based. */
  position?: number | null;
  /** BOOST multiplies the score by it, BURY divides by it (default 2 for both). */
  weight?: number | null;
  /** Only when this product is the one shown. */
  contextProductId?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
}

export interface RuleSet {
  /** One curve per target; the most specific match wins (product, collection, tag, type, vendor). */
  seasonality: SeasonalityCurve[];
  promotions: Promotion[];
  rules: MerchandisingRule[];
  inStockOnly: boolean;
  hidePurchased: boolean;
  maxPerProductType: number | null;
  /** Allowed price range relative to the product shown, e.g. { min: 0.5, max: 2 }; null for none. */
  priceBand: { min: number; max: number } | null;
}

export const NO_RULES: RuleSet = {
  seasonality: [],
  promotions: [],
  rules: [],
  inStockOnly: false,
  hidePurchased: false,
  maxPerProductType: null,
  priceBand: null,
};

export interface ServeContext {
  placement: Placement;
  now: Date;
  limit: number;
  /** The product on the page (product pages), for exclusion, the price band and contextual pins. */
  shownProductId?: string | null;
  cart?: ReadonlySet<string>;
  purchased?: ReadonlySet<string>;
}

export interface CandidateTier {
  tier: Exclude<Tier, "pinned">;
  /** A function when building the list costs something: it runs only if earlier tiers leave room. */
  candidates: Recommendation[] | (() => Recommendation[]);
}

/** Why the final score is what it is, for the admin's preview. */
export interface Signals {
  base: number;
  seasonality: number;
  promotion: number;
  boost: number;
}

export interface Ranked {
  itemId: string;
  score: number;
  reason: Reason;
  tier: Tier;
  signals: Signals;
}

const SPECIFICITY: TargetType[] = ["PRODUCT", "COLLECTION", "TAG", "PRODUCT_TYPE", "VENDOR"];
const DEFAULT_RULE_WEIGHT = 2;

// Case-insensitive matching without lower-casing on every comparison: each target's and each
// product's lower-case forms are computed once (requests compare thousands per second).
const lowerTargets = new WeakMap<Target, string>();
const lowerProducts = new WeakMap<ProductFacts, { externalId: string; collections: string[]; productType: string; vendor: string }>();

function lowerOf(product: ProductFacts) {
  let lower = lowerProducts.get(product);
  if (!lower) {
    lower = {
      externalId: product.externalId.toLowerCase(),
      collections: product.collections.map((handle) => handle.toLowerCase()),
      productType: product.productType.toLowerCase(),
      vendor: product.vendor.toLowerCase(),
    };
    lowerProducts.set(product, lower);
  }
  return lower;
}

export function matchesTarget(product: ProductFacts, target: Target): boolean {
  let value = lowerTargets.get(target);
  if (value === undefined) lowerTargets.set(target, (value = target.targetValue.trim().toLowerCase()));
  switch (target.targetType) {
    case "PRODUCT":
      return product.id === target.targetValue || lowerOf(product).externalId === value;
    case "COLLECTION":
      return lowerOf(product).collections.includes(value);
    case "TAG":
      return product.tags.includes(value);
    case "PRODUCT_TYPE":
      return lowerOf(product).productType === value;
    case "VENDOR":
      return lowerOf(product).vendor === value;
  }
}

const running = (window: { startsAt?: Date | null; endsAt?: Date | null }, now: Date) =>
  (!window.startsAt || window.startsAt <= now) && (!window.endsAt || now < window.endsAt);

/** This month's weight from the most specific curve that names the product; 1 when none does. */
export function seasonalWeight(product: ProductFacts, curves: SeasonalityCurve[], now: Date): number {
  for (const targetType of SPECIFICITY) {
    const curve = curves.find((candidate) => candidate.targetType === targetType && matchesTarget(product, candidate));
    if (curve) return curve.months[now.getUTCMonth()] ?? 1;
  }
  return 1;
}

/** The rules that apply to this request: the placement's or every placement's, running now, for this product page. */
function activeRules(rules: MerchandisingRule[], context: ServeContext) {
  return rules.filter(
    (rule) =>
      (rule.placement === null || rule.placement === context.placement) &&
      running(rule, context.now) &&
      (!rule.contextProductId || rule.contextProductId === context.shownProductId),
  );
}

export function applyRules(
  tiers: CandidateTier[],
  catalogue: (productId: string) => ProductFacts | undefined,
  ruleSet: RuleSet,
  context: ServeContext,
): Ranked[] {
  const rules = activeRules(ruleSet.rules, context);
  const excludes = rules.filter((rule) => rule.kind === "EXCLUDE");
  const boosts = rules.filter((rule) => rule.kind === "BOOST" || rule.kind === "BURY");
  const promotions = ruleSet.promotions.filter((promotion) => running(promotion, context.now));
  const shown = context.shownProductId ? catalogue(context.shownProductId) : undefined;
  const hidePurchased = ruleSet.hidePurchased && context.placement !== "BUY_AGAIN";

  // "Recommended for you" brings back a purchase only as a due repeat (training puts those in
  // where the shop's 30-day check found that customers rebuy).
  const repeatAllowed = (reason: Reason | undefined) => context.placement === "FOR_YOU" && reason?.kind === "buy_again";
  const eligible = (product: ProductFacts | undefined, reason?: Reason): product is ProductFacts =>
    !!product &&
    product.sellable &&
    (!ruleSet.inStockOnly || product.inStock) &&
    product.id !== context.shownProductId &&
    !context.cart?.has(product.id) &&
    !(hidePurchased && context.purchased?.has(product.id) && !repeatAllowed(reason)) &&
    !excludes.some((rule) => matchesTarget(product, rule)) &&
    withinPriceBand(product, shown, ruleSet.priceBand);

  const pins = rules.filter((rule) => rule.kind === "PIN").length;
  const seen = new Set<string>();
  const ranked: Ranked[] = [];
  for (const { tier, candidates } of tiers) {
    // Tiers never overtake each other: once the earlier ones fill the block (after diversity,
    // and with room for every pin to displace one), later tiers cannot change the answer.
    if (limitPerProductType(ranked, catalogue, ruleSet.maxPerProductType).length >= context.limit + pins) break;
    const adjusted: Ranked[] = [];
    for (const candidate of typeof candidates === "function" ? candidates() : candidates) {
      if (seen.has(candidate.itemId)) continue;
      seen.add(candidate.itemId);
      const product = catalogue(candidate.itemId);
      if (!eligible(product, candidate.reason)) continue;
      const signals: Signals = {
        base: candidate.score,
        seasonality: seasonalWeight(product, ruleSet.seasonality, context.now),
        promotion: promotions
          .filter((promotion) => matchesTarget(product, promotion))
          .reduce((weight, promotion) => weight * promotion.weight, 1),
        boost: boosts
          .filter((rule) => matchesTarget(product, rule))
          .reduce(
            (weight, rule) =>
              rule.kind === "BOOST" ? weight * (rule.weight ?? DEFAULT_RULE_WEIGHT) : weight / (rule.weight ?? DEFAULT_RULE_WEIGHT),
            1,
          ),
      };
      const score = signals.base * signals.seasonality * signals.promotion * signals.boost;
      adjusted.push({ itemId: candidate.itemId, score, reason: candidate.reason, tier, signals });
    }
    adjusted.sort((a, b) => b.score - a.score || a.itemId.localeCompare(b.itemId));
    ranked.push(...adjusted);
  }

  const diverse = limitPerProductType(ranked, catalogue, ruleSet.maxPerProductType);
  return pin(diverse, rules, catalogue, eligible, context.limit);
}

function withinPriceBand(product: ProductFacts, shown: ProductFacts | undefined, band: RuleSet["priceBand"]): boolean {
  if (!band || !shown || shown.price <= 0) return true;
  return product.price >= shown.price * band.min && product.price <= shown.price * band.max;
}

function limitPerProductType(ranked: Ranked[], catalogue: (productId: string) => ProductFacts | undefined, max: number | null): Ranked[] {
  if (!max || max < 1) return ranked;
  const perType = new Map<string, number>();
  return ranked.filter((item) => {
    const product = catalogue(item.itemId);
    const type = product ? lowerOf(product).productType : "";
    // Products without a type are not grouped together.
    if (!type) return true;
    const count = (perType.get(type) ?? 0) + 1;
    perType.set(type, count);
    return count <= max;
  });
}

/**
 * Pins name products (PRODUCT targets) and put each at its slot, moving the ranked ones down;
 * a pinned product that cannot be shown (sold out, in the cart…) leaves its slot to the ranking.
 */
function pin(
  ranked: Ranked[],
  rules: MerchandisingRule[],
  catalogue: (productId: string) => ProductFacts | undefined,
  eligible: (product: ProductFacts | undefined) => product is ProductFacts,
  limit: number,
): Ranked[] {
  const pins: { slot: number; item: Ranked }[] = [];
  for (const rule of rules) {
    if (rule.kind !== "PIN" || rule.targetType !== "PRODUCT" || !rule.position || rule.position < 1) continue;
    const product = catalogue(rule.targetValue);
    if (!eligible(product) || pins.some((pinned) => pinned.item.itemId === product.id)) continue;
    const item: Ranked = {
      itemId: product.id,
      score: Number.POSITIVE_INFINITY,
      reason: { kind: "featured" },
      tier: "pinned",
      signals: { base: 0, seasonality: 1, promotion: 1, boost: 1 },
    };
    pins.push({ slot: rule.position, item });
  }
  pins.sort((a, b) => a.slot - b.slot);
  const rest = ranked.filter((item) => !pins.some((pinned) => pinned.item.itemId === item.itemId));
  const result: Ranked[] = [];
  while (result.length < limit && (rest.length || pins.length)) {
    // A pin whose slot has come, or, once the ranking runs out, the next pin moved up.
    const due = pins.length && (pins[0].slot <= result.length + 1 || !rest.length);
    result.push(due ? pins.shift()!.item : rest.shift()!);
  }
  return result;
}
