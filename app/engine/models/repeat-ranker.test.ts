import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { DAY, items, NOW, order } from "../../../test/fixtures/engine-events";
import {
  datasetPurchases,
  fitRanker,
  rankCandidates,
  RANKER_FEATURES,
  rankerFits,
  RankerExamples,
  rankForYou,
  RepeatFeatures,
  type RankerWeights,
} from "./repeat-ranker";

const feature = (name: (typeof RANKER_FEATURES)[number]) => RANKER_FEATURES.indexOf(name);

describe("RepeatFeatures", () => {
  // u1 buys coffee every 30 days, the last 30 days ago (due), and a tent once, 100 days ago; u2
  // buys coffee on two days, the last 10 days ago.
  const dataset = buildDataset(
    [
      ...[90, 60, 30].flatMap((days, i) => order("u1", `c${i}`, days, "c-beans")),
      ...order("u1", "t", 100, "tent"),
      ...[40, 10].flatMap((days, i) => order("u2", `d${i}`, days, "c-beans")),
      ...order("u3", "s", 5, "stove"),
    ],
    items("c-beans", "tent", "stove"),
    { now: NOW },
  );
  const features = new RepeatFeatures(datasetPurchases(dataset), dataset.userIds.length, dataset.items.length);
  const user = (id: string) => dataset.userIndex.get(id)!;
  const item = (id: string) => dataset.itemIndex.get(id)!;
  const rowOf = (rows: { items: number[]; features: Float64Array }, id: string) => {
    const index = rows.items.indexOf(item(id));
    return rows.features.subarray(index * features.count, (index + 1) * features.count);
  };

  it("describes each purchase by how often, how lately and how due, and each new candidate by the blend", () => {
    const rows = features.rows(user("u1"), [
      { item: item("stove"), score: 0.5 },
      { item: item("c-beans"), score: 2 },
    ]);
    // The purchases first, then the new candidates; a purchase the blend offers is not a new one.
    expect(rows.items).toEqual([item("c-beans"), item("tent"), item("stove")]);
    const coffee = rowOf(rows, "c-beans");
    expect(coffee[feature("bought")]).toBe(1);
    expect(coffee[feature("days bought")]).toBeCloseTo(Math.log1p(3));
    expect(coffee[feature("due by its interval")]).toBeCloseTo(1);
    expect(coffee[feature("last bought within weeks")]).toBeCloseTo(Math.exp(-1));
    expect(coffee[feature("product rebuy share")]).toBe(1);
    expect(coffee[feature("shopper rebuy share")]).toBe(0.5);
    expect(coffee[feature("blend score")]).toBe(0);
    const tent = rowOf(rows, "tent");
    expect(tent[feature("due by its interval")]).toBe(0);
    expect(tent[feature("product rebuy share")]).toBe(0);
    const stove = rowOf(rows, "stove");
    expect(stove[feature("bought")]).toBe(0);
    expect(stove[feature("blend score")]).toBe(1);
    expect(stove[feature("blend rank")]).toBe(1);
    expect(features.bought(user("u1"), item("c-beans"))).toBe(true);
    expect(features.bought(user("u1"), item("stove"))).toBe(false);
  });

  it("reads only the purchases up to its time", () => {
    const earlier = new RepeatFeatures({ ...datasetPurchases(dataset), now: NOW - 20 * DAY }, dataset.userIds.length, dataset.items.length);
    expect(earlier.bought(user("u2"), item("c-beans"))).toBe(true);
    expect(earlier.bought(user("u3"), item("stove"))).toBe(false);
    const coffee = earlier.rows(user("u2"), []).features;
    expect(coffee[feature("days bought")]).toBeCloseTo(Math.log1p(1));
  });
});

describe("fitRanker and rankCandidates", () => {
  // Two features: candidates with the first set are bought next, the second tells nothing.
  const examples = new RankerExamples(2);
  for (let shopper = 0; shopper < 40; shopper++) {
    const rows = { items: [0, 1, 2], features: Float64Array.from([1, shopper % 2, 0, 1, 0, 0]) };
    examples.add(rows, new Set([0]));
  }

  it("learns which feature marks what shoppers buy next, each shopper weighted once", () => {
    expect(examples.customers).toBe(40);
    expect(examples.blocks.every((block) => block.weight === 1)).toBe(true);
    const weights = fitRanker(examples);
    expect(weights.weights[0]).toBeGreaterThan(1);
    expect(Math.abs(weights.weights[1])).toBeLessThan(weights.weights[0] / 4);
  });

  it("moves the purchases among the new candidates, and keeps the new candidates in the blend's order", () => {
    // Feature 0 alone: the purchase (item 9) scores between the new candidates 3 and 7.
    const weights: RankerWeights = { features: ["x"], mean: [0], scale: [1], weights: [1], bias: 0 };
    const rows = { items: [9, 3, 7, 5], features: Float64Array.from([0.5, 0, 1, 0.2]) };
    const ranked = rankCandidates(weights, rows, (item) => item === 9).map(({ item }) => item);
    // The new candidates' scores (1, 0.2, 0) go to 3, 7 and 5 in that order: 3 (1), 9 (0.5), 7 (0.2), 5 (0).
    expect(ranked).toEqual([3, 9, 7, 5]);
  });

  it("serves only weights fitted on this version's features", () => {
    const weights = fitRanker(examples);
    expect(rankerFits({ ...weights, features: [...RANKER_FEATURES] })).toBe(true);
    expect(rankerFits({ ...weights, features: ["an older feature", ...RANKER_FEATURES.slice(1)] })).toBe(false);
    expect(rankerFits(undefined)).toBe(false);
  });
});

describe("rankForYou", () => {
  it("places the shopper's purchases by the ranker, with the buy-again reason, beside the blend's new products", () => {
    const dataset = buildDataset(
      [...[60, 30].flatMap((days, i) => order("u1", `c${i}`, days, "c-beans")), ...order("u2", "s", 5, "stove", "mug")],
      items("c-beans", "stove", "mug"),
      { now: NOW },
    );
    const features = new RepeatFeatures(datasetPurchases(dataset), dataset.userIds.length, dataset.items.length);
    // Weights that put a purchase first.
    const weights: RankerWeights = {
      features: [...RANKER_FEATURES],
      mean: RANKER_FEATURES.map(() => 0),
      scale: RANKER_FEATURES.map(() => 1),
      weights: RANKER_FEATURES.map((name) => (name === "bought" ? 10 : 0)),
      bias: -5,
    };
    const personal = [
      { itemId: "stove", score: 0.9, reason: { kind: "popular" as const } },
      { itemId: "mug", score: 0.4, reason: { kind: "popular" as const } },
    ];
    const list = rankForYou({ weights, features }, dataset.userIndex.get("u1")!, personal, dataset, 2);
    expect(list).toEqual([
      { itemId: "c-beans", score: expect.closeTo(1 / (1 + Math.exp(-5)), 5), reason: { kind: "buy_again", itemId: "c-beans" } },
      { itemId: "stove", score: expect.closeTo(1 / (1 + Math.exp(5)), 5), reason: { kind: "popular" } },
    ]);
  });
});
