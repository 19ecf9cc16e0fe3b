import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { forgetUser } from "../redact";
import { deserializeModel, serializeModel } from "../registry";
import { DAY, items, NOW, order } from "../../../test/fixtures/engine-events";
import { userItems } from "../eval/matrix";
import { EaseScorer, RecentEaseScorer } from "../eval/scorers";
import type { EngineEvent } from "../types";
import { tuplesOf } from "./history";
import { EASE_DEFAULTS, EaseModel, RECENT_EASE, SESSION_EASE, SESSION_EASE_GRID } from "./ease";

describe("EaseModel", () => {
  // Campers buy tents, bags and stoves; coffee people buy grinders and beans; everyone buys "x".
  const events: EngineEvent[] = [];
  for (let i = 0; i < 15; i++) events.push(...order(`c${i}`, `c${i}`, i, "tent", "bag", "stove", "x"));
  for (let i = 0; i < 15; i++) events.push(...order(`k${i}`, `k${i}`, i, "grinder", "beans", "x"));
  events.push(...order("new-camper", "n1", 1, "tent", "bag"));
  const dataset = buildDataset(events, items("tent", "bag", "stove", "grinder", "beans", "x"));
  const model = EaseModel.fit(dataset, { lambda: 5 });

  it("fits at EASE_DEFAULTS where no parameter is given, and the benchmarks' session grid starts at what serves", () => {
    expect(EaseModel.fit(dataset).toJSON().params).toEqual(EASE_DEFAULTS);
    expect(EaseModel.fit(dataset, SESSION_EASE).toJSON().params).toEqual({ ...EASE_DEFAULTS, ...SESSION_EASE });
    expect(SESSION_EASE_GRID[0]).toEqual(SESSION_EASE);
  });

  it("recommends what goes with a shopper's items, with the item that weighs most as the reason", () => {
    const [first] = model.recommend({ userId: "new-camper", k: 3 });
    expect(first).toMatchObject({ itemId: "stove", reason: { kind: "because_you_bought" } });
    expect(model.recommend({ userId: "new-camper", k: 5 }).map((r) => r.itemId)).not.toContain("tent");
  });

  it("finds similar items from the learned weights, and nothing for an unknown item", () => {
    expect(model.similar("grinder", 1)).toEqual([
      expect.objectContaining({ itemId: "beans", reason: { kind: "similar", itemId: "grinder" } }),
    ]);
    expect(model.similar("unknown", 3)).toEqual([]);
  });

  it("covers only the most popular items when asked to", () => {
    const small = EaseModel.fit(dataset, { lambda: 5, maxItems: 2 });
    expect(small.similar("grinder", 3)).toEqual([]);
  });

  it("round-trips through serialization and forgets a shopper on redaction", () => {
    const bytes = serializeModel(model);
    const copy = deserializeModel(bytes);
    expect(copy.recommend({ userId: "new-camper", k: 2 })).toEqual(model.recommend({ userId: "new-camper", k: 2 }));
    const forgotten = deserializeModel(forgetUser(bytes, "new-camper").bytes);
    expect(forgotten.recommend({ userId: "new-camper", k: 2 })).toEqual([]);
  });

  it("with session proximity, prefers what shoppers take in the same sitting to what they take months apart", () => {
    // Every shopper buys a tent and a bag in one order and a lamp half a year earlier: to plain
    // EASE the bag and the lamp go with the tent equally; by sitting, the bag goes with it more.
    const planted: EngineEvent[] = [];
    for (let i = 0; i < 12; i++)
      planted.push(...order(`s${i}`, `lamp-${i}`, 200 + i, "lamp"), ...order(`s${i}`, `camp-${i}`, 20 + i, "tent", "bag"));
    planted.push(...order("newcomer", "n", 1, "tent"));
    const catalogue = buildDataset(planted, items("lamp", "tent", "bag"));
    const weightOf = (model: EaseModel, itemId: string) => model.similar("tent", 2).find((r) => r.itemId === itemId)?.score ?? 0;
    const plain = EaseModel.fit(catalogue, { lambda: 1 });
    expect(weightOf(plain, "bag")).toBeGreaterThan(0);
    expect(weightOf(plain, "bag")).toBeCloseTo(weightOf(plain, "lamp"), 6);
    const sessions = EaseModel.fit(catalogue, { ...SESSION_EASE, lambda: 1 });
    expect(weightOf(sessions, "bag")).toBeGreaterThan(2 * weightOf(sessions, "lamp"));
    expect(sessions.recommend({ userId: "newcomer", k: 1 })[0].itemId).toBe("bag");
    const copy = deserializeModel(serializeModel(sessions));
    expect(copy.recommend({ userId: "newcomer", k: 2 })).toEqual(sessions.recommend({ userId: "newcomer", k: 2 }));
  });

  it("weighed by recency, puts what goes with the shopper's latest purchases before what goes with old ones", () => {
    // A shopper into coffee ten months ago and into camping last week.
    const drifted = buildDataset(
      [...events, ...order("drifter", "d1", 300, "grinder"), ...order("drifter", "d2", 7, "tent")],
      dataset.items,
    );
    const scoreOf = (model: EaseModel, itemId: string) =>
      model.recommend({ userId: "drifter", k: 6 }).find((r) => r.itemId === itemId)!.score;
    const plain = EaseModel.fit(drifted, { lambda: 5 });
    const recent = EaseModel.fit(drifted, { lambda: 5, ...RECENT_EASE });
    expect(recent.toJSON().params).toEqual({ ...EASE_DEFAULTS, lambda: 5, ...RECENT_EASE });
    // Each product's score is the weight from the purchase it goes with, times that purchase's recency.
    const recency = (daysAgo: number) => 0.5 ** (daysAgo / RECENT_EASE.recencyHalfLifeDays);
    const ratio = (model: EaseModel) => scoreOf(model, "beans") / scoreOf(model, "bag");
    expect(ratio(recent)).toBeCloseTo((ratio(plain) * recency(300)) / recency(7), 2);
    expect(recent.recommend({ userId: "drifter", k: 1 })[0]).toMatchObject({
      itemId: "bag",
      reason: { kind: "because_you_bought", itemId: "tent" },
    });
    const copy = deserializeModel(serializeModel(recent));
    expect(copy.recommend({ userId: "drifter", k: 3 })).toEqual(recent.recommend({ userId: "drifter", k: 3 }));
    // A model saved before recency weighing (no half-life among its parameters) serves as plain EASE.
    const { recencyHalfLifeDays: _, ...older } = plain.toJSON().params;
    const saved = EaseModel.fromJSON({ ...plain.toJSON(), params: older }, 2);
    expect(saved.recommend({ userId: "drifter", k: 3 })).toEqual(plain.recommend({ userId: "drifter", k: 3 }));
  });

  it("weighs by recency as the evaluation harness does, from each shopper's latest purchase of each item", () => {
    const drifter = [
      ...order("drifter", "d1", 300, "grinder"),
      ...order("drifter", "d2", 100, "grinder"),
      ...order("drifter", "d3", 7, "tent"),
    ];
    const drifted = buildDataset([...events, ...drifter], dataset.items);
    const saved = EaseModel.fit(drifted, { lambda: 5, ...RECENT_EASE }).toJSON().history;
    const weights = new Map(
      tuplesOf(saved.items[saved.userIds.indexOf("drifter")], 2).map(([item, weight]) => [drifted.items[item].id, weight]),
    );
    // The harness's weight of an item: recent EASE's scores from it alone over plain EASE's.
    const { user, item, time } = drifted.events;
    const positions = Int32Array.from(item.keys());
    const rows = userItems(drifted.userIds.length, drifted.items.length, user, item, positions);
    const plain = new EaseScorer({ lambda: 5 });
    const recent = new RecentEaseScorer(plain, { user, item, time, positions, now: drifted.now });
    recent.fit(rows);
    const [withRecency, without] = [new Float32Array(drifted.items.length), new Float32Array(drifted.items.length)];
    for (const [itemId, weight] of weights) {
      const seed = Int32Array.of(drifted.itemIndex.get(itemId)!);
      recent.score(drifted.userIndex.get("drifter")!, seed, withRecency);
      plain.score(0, seed, without);
      const other = without.findIndex((score) => score > 0);
      expect(weight).toBeCloseTo(withRecency[other] / without[other], 4);
    }
    // The latest purchase counts: the grinder bought 300 and 100 days ago weighs as bought 100 days ago.
    expect(weights.get("grinder")).toBeCloseTo(0.5 ** (100 / RECENT_EASE.recencyHalfLifeDays), 4);
    expect(weights.get("tent")).toBeCloseTo(0.5 ** (7 / RECENT_EASE.recencyHalfLifeDays), 4);
  });

  it("weighs by sitting as the evaluation harness does, from each shopper's first interest in each item", () => {
    // Views before purchases, a refund, repeat orders: the pair's time is the first positive event.
    const mixed: EngineEvent[] = [];
    const products = ["tent", "bag", "stove", "grinder", "beans", "x"];
    for (let i = 0; i < 30; i++) {
      const picks = products.filter((_, p) => (i * 7 + p * 3) % 5 < 3);
      picks.forEach((itemId, p) => mixed.push({ userId: `m${i}`, itemId, kind: "view", time: NOW - (i + p * 40) * DAY }));
      mixed.push(...order(`m${i}`, `m${i}-a`, i, ...picks), ...order(`m${i}`, `m${i}-b`, i + 100, picks[0]));
    }
    const dataset = buildDataset(mixed, items(...products));
    const model = EaseModel.fit(dataset, { ...SESSION_EASE, lambda: 2 });
    // The harness's rows: every positive event, the earliest time per (shopper, product).
    const { user, item, time, weight } = dataset.events;
    const positive = Int32Array.from(weight.keys()).filter((e) => weight[e] > 0);
    const rows = userItems(dataset.userIds.length, dataset.items.length, user, item, positive, time);
    const scorer = new EaseScorer({ ...SESSION_EASE, lambda: 2 });
    scorer.fit(rows);
    const weights = new Float32Array(dataset.items.length);
    for (const product of products) {
      scorer.score(0, Int32Array.of(dataset.itemIndex.get(product)!), weights);
      const expected = [...weights.entries()].filter(([, w]) => w > 0).map(([other, w]) => [dataset.items[other].id, w] as const);
      const actual = model.similar(product, products.length).map((r) => [r.itemId, r.score] as const);
      expect(actual.map(([id]) => id).sort()).toEqual(expected.map(([id]) => id).sort());
      for (const [id, score] of actual) expect(score).toBeCloseTo(expected.find(([other]) => other === id)![1], 5);
    }
  });
});
