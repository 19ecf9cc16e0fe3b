import { describe, expect, it } from "vitest";
import {
  applyRules,
  matchesTarget,
  NO_RULES,
  seasonalWeight,
  type CandidateTier,
  type ProductFacts,
  type RuleSet,
  type ServeContext,
} from "./rules";

// A small hand-made store: every case below can be checked by reading it.
const product = (id: string, facts: Partial<ProductFacts> = {}): ProductFacts => ({
  id,
  externalId: id.toUpperCase(),
  productType: "",
  vendor: "",
  tags: [],
  collections: [],
  price: 10,
  sellable: true,
  inStock: true,
  ...facts,
});
const CATALOGUE = new Map(
  [
    product("tent", { productType: "Tents", vendor: "Northwind", tags: ["camping", "summer"], collections: ["outdoor"], price: 200 }),
    product("tarp", { productType: "Tents", vendor: "Northwind", tags: ["camping"], collections: ["outdoor"], price: 60 }),
    product("bivy", { productType: "Tents", vendor: "Acme", price: 150 }),
    product("stove", { productType: "Cooking", vendor: "Acme", tags: ["camping"], price: 50 }),
    product("mug", { productType: "Cooking", vendor: "Acme", price: 8 }),
    product("lamp", { productType: "Lighting", vendor: "Acme", tags: ["winter"], collections: ["christmas"], price: 20 }),
    product("sold-out", { productType: "Lighting", inStock: false, price: 30 }),
    product("draft", { sellable: false }),
  ].map((facts) => [facts.id, facts]),
);
const catalogue = (id: string) => CATALOGUE.get(id) ?? [...CATALOGUE.values()].find((facts) => facts.externalId === id);

const tier = (name: CandidateTier["tier"], ...scored: [string, number][]): CandidateTier => ({
  tier: name,
  candidates: scored.map(([itemId, score]) => ({ itemId, score, reason: { kind: "popular" } })),
});
const PERSONAL = tier("personal", ["tent", 5], ["stove", 4], ["lamp", 3], ["mug", 2]);
const TRENDING = tier("trending", ["tarp", 9], ["bivy", 8], ["tent", 7], ["sold-out", 6], ["draft", 5]);
const JUNE = new Date("2026-06-15T12:00:00Z");
const context = (overrides: Partial<ServeContext> = {}): ServeContext => ({ placement: "FOR_YOU", now: JUNE, limit: 10, ...overrides });
const rules = (overrides: Partial<RuleSet>): RuleSet => ({ ...NO_RULES, ...overrides });
const ids = (tiers: CandidateTier[], ruleSet: RuleSet = NO_RULES, overrides: Partial<ServeContext> = {}) =>
  applyRules(tiers, catalogue, ruleSet, context(overrides)).map((item) => item.itemId);

describe("serve-time rules", () => {
  it("keeps tiers in order (personal, then the fallbacks), drops repeats and what cannot be sold, and stops at the limit", () => {
    expect(ids([PERSONAL, TRENDING])).toEqual(["tent", "stove", "lamp", "mug", "tarp", "bivy", "sold-out"]);
    expect(ids([PERSONAL, TRENDING], NO_RULES, { limit: 5 })).toEqual(["tent", "stove", "lamp", "mug", "tarp"]);
    expect(ids([tier("personal"), TRENDING])).toEqual(["tarp", "bivy", "tent", "sold-out"]);
  });

  it("in stock only drops sold-out products", () => {
    expect(ids([TRENDING], rules({ inStockOnly: true }))).toEqual(["tarp", "bivy", "tent"]);
  });

  it("hides the product shown, the cart and, with hide purchased, what the shopper bought, except for buy it again", () => {
    const purchased = new Set(["stove"]);
    expect(ids([PERSONAL], NO_RULES, { shownProductId: "tent", cart: new Set(["mug"]), purchased })).toEqual(["stove", "lamp"]);
    expect(ids([PERSONAL], rules({ hidePurchased: true }), { purchased })).toEqual(["tent", "lamp", "mug"]);
    expect(ids([PERSONAL], rules({ hidePurchased: true }), { purchased, placement: "BUY_AGAIN" })).toEqual([
      "tent",
      "stove",
      "lamp",
      "mug",
    ]);
  });

  it("lets a purchase through hide purchased in Recommended for you only as a due repeat (a buy-again reason)", () => {
    const purchased = new Set(["stove", "lamp"]);
    const repeat: CandidateTier = {
      tier: "personal",
      candidates: [
        { itemId: "stove", score: 4, reason: { kind: "buy_again", itemId: "stove" } },
        { itemId: "lamp", score: 3, reason: { kind: "popular" } },
        { itemId: "mug", score: 2, reason: { kind: "popular" } },
      ],
    };
    expect(ids([repeat], rules({ hidePurchased: true }), { purchased })).toEqual(["stove", "mug"]);
    expect(ids([repeat], rules({ hidePurchased: true }), { purchased, placement: "CART" })).toEqual(["mug"]);
  });

  it("keeps prices within the band around the product shown", () => {
    // The tent costs 200: between 100 and 300 only the bivy (150) qualifies.
    expect(
      ids([TRENDING, PERSONAL], rules({ priceBand: { min: 0.5, max: 1.5 } }), { shownProductId: "tent", placement: "RELATED" }),
    ).toEqual(["bivy"]);
    // Without a product shown there is nothing to be relative to.
    expect(ids([TRENDING], rules({ priceBand: { min: 0.5, max: 1.5 } }))).toEqual(["tarp", "bivy", "tent", "sold-out"]);
  });

  it("matches targets by product id or store id, collection, tag, type and vendor, ignoring case", () => {
    const tent = CATALOGUE.get("tent")!;
    expect(matchesTarget(tent, { targetType: "PRODUCT", targetValue: "tent" })).toBe(true);
    expect(matchesTarget(tent, { targetType: "PRODUCT", targetValue: "Tent" })).toBe(true);
    expect(matchesTarget(tent, { targetType: "COLLECTION", targetValue: "Outdoor" })).toBe(true);
    expect(matchesTarget(tent, { targetType: "TAG", targetValue: "SUMMER" })).toBe(true);
    expect(matchesTarget(tent, { targetType: "PRODUCT_TYPE", targetValue: "tents" })).toBe(true);
    expect(matchesTarget(tent, { targetType: "VENDOR", targetValue: "northwind" })).toBe(true);
    expect(matchesTarget(tent, { targetType: "VENDOR", targetValue: "Acme" })).toBe(false);
  });

  it("excludes by rule, for its placement only, while it runs, and only on its product page when it names one", () => {
    const exclude = (overrides: object) =>
      rules({ rules: [{ kind: "EXCLUDE", placement: null, targetType: "TAG", targetValue: "camping", ...overrides }] });
    expect(ids([PERSONAL], exclude({}))).toEqual(["lamp", "mug"]);
    expect(ids([PERSONAL], exclude({ placement: "RELATED" }))).toEqual(["tent", "stove", "lamp", "mug"]);
    expect(ids([PERSONAL], exclude({ endsAt: new Date("2026-06-01T00:00:00Z") }))).toEqual(["tent", "stove", "lamp", "mug"]);
    expect(ids([PERSONAL], exclude({ startsAt: new Date("2026-06-01T00:00:00Z"), endsAt: new Date("2026-07-01T00:00:00Z") }))).toEqual([
      "lamp",
      "mug",
    ]);
    expect(ids([PERSONAL], exclude({ contextProductId: "bivy" }))).toEqual(["tent", "stove", "lamp", "mug"]);
    expect(ids([PERSONAL], exclude({ contextProductId: "bivy" }), { shownProductId: "bivy" })).toEqual(["lamp", "mug"]);
  });

  it("weights by this month's seasonality, the most specific curve winning", () => {
    const curve = (targetType: "COLLECTION" | "TAG" | "PRODUCT", targetValue: string, june: number) => ({
      targetType,
      targetValue,
      months: Array.from({ length: 12 }, (_, month) => (month === 5 ? june : 1)),
    });
    const seasonality = [curve("TAG", "camping", 3), curve("PRODUCT", "stove", 0.1), curve("COLLECTION", "christmas", 0.2)];
    expect(seasonalWeight(CATALOGUE.get("tent")!, seasonality, JUNE)).toBe(3);
    expect(seasonalWeight(CATALOGUE.get("stove")!, seasonality, JUNE)).toBeCloseTo(0.1);
    expect(seasonalWeight(CATALOGUE.get("mug")!, seasonality, JUNE)).toBe(1);
    expect(seasonalWeight(CATALOGUE.get("tent")!, seasonality, new Date("2026-12-01T00:00:00Z"))).toBe(1);
    // tent 5×3 = 15, mug 2, stove 4×0.1 = 0.4, lamp 3×0.2 = 0.6.
    const ranked = applyRules([PERSONAL], catalogue, rules({ seasonality }), context());
    expect(ranked.map((item) => [item.itemId, Number(item.score.toFixed(2))])).toEqual([
      ["tent", 15],
      ["mug", 2],
      ["lamp", 0.6],
      ["stove", 0.4],
    ]);
    expect(ranked[0].signals).toEqual({ base: 5, seasonality: 3, promotion: 1, boost: 1 });
  });

  it("multiplies by every promotion running now, and only then", () => {
    const promotion = (weight: number, startsAt: string, endsAt: string) => ({
      targetType: "VENDOR" as const,
      targetValue: "Acme",
      weight,
      startsAt: new Date(startsAt),
      endsAt: new Date(endsAt),
    });
    const running = [
      promotion(2, "2026-06-01", "2026-07-01"),
      promotion(1.5, "2026-06-10", "2026-06-20"),
      promotion(100, "2026-01-01", "2026-02-01"),
    ];
    // stove 4×3 = 12, lamp 3×3 = 9, mug 2×3 = 6 overtake the tent (5, Northwind).
    expect(ids([PERSONAL], rules({ promotions: running }))).toEqual(["stove", "lamp", "mug", "tent"]);
    expect(applyRules([PERSONAL], catalogue, rules({ promotions: running }), context())[0].signals.promotion).toBe(3);
  });

  it("boosts and buries within a tier without lifting a fallback above the personal tier", () => {
    const boost = rules({
      rules: [
        { kind: "BOOST", placement: null, targetType: "PRODUCT", targetValue: "mug", weight: 4 },
        { kind: "BURY", placement: null, targetType: "PRODUCT_TYPE", targetValue: "Tents" },
        { kind: "BOOST", placement: null, targetType: "PRODUCT", targetValue: "bivy", weight: 10 },
      ],
    });
    // mug 2×4 = 8 first; tent 5/2 = 2.5 falls below stove (4) and lamp (3). In trending the
    // bivy (8×10/2 = 40) passes the tarp (9/2 = 4.5, now below the sold-out lamp's 6) but stays
    // below every personal product.
    expect(ids([PERSONAL, TRENDING], boost)).toEqual(["mug", "stove", "lamp", "tent", "bivy", "sold-out", "tarp"]);
  });

  it("shows at most n products of a type, so one type cannot fill the block", () => {
    expect(ids([TRENDING, PERSONAL], rules({ maxPerProductType: 1 }))).toEqual(["tarp", "sold-out", "stove"]);
    expect(ids([TRENDING, PERSONAL], rules({ maxPerProductType: 2 }))).toEqual(["tarp", "bivy", "sold-out", "stove", "lamp", "mug"]);
  });

  it("pins products to their slots, moving the ranking down, and skips a pin that cannot be shown", () => {
    const pins = rules({
      inStockOnly: true,
      rules: [
        { kind: "PIN", placement: "FOR_YOU", targetType: "PRODUCT", targetValue: "BIVY", position: 2 },
        { kind: "PIN", placement: "FOR_YOU", targetType: "PRODUCT", targetValue: "sold-out", position: 1 },
        { kind: "PIN", placement: "RELATED", targetType: "PRODUCT", targetValue: "tarp", position: 1 },
      ],
    });
    const ranked = applyRules([PERSONAL], catalogue, pins, context({ limit: 3 }));
    expect(ranked.map((item) => [item.itemId, item.tier])).toEqual([
      ["tent", "personal"],
      ["bivy", "pinned"],
      ["stove", "personal"],
    ]);
    // A slot beyond the ranking's end: the pin moves up to follow the last ranked product.
    const far = rules({ rules: [{ kind: "PIN", placement: null, targetType: "PRODUCT", targetValue: "tarp", position: 9 }] });
    expect(ids([tier("personal", ["tent", 1])], far)).toEqual(["tent", "tarp"]);
  });
});
