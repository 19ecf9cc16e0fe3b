import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { items, order } from "../../../test/fixtures/engine-events";
import type { EngineEvent } from "../types";
import { CooccurrenceModel } from "./cooccurrence";

describe("CooccurrenceModel", () => {
  // Tents go with sleeping bags, grinders with beans; "x" is in almost every basket.
  const events: EngineEvent[] = [];
  for (let i = 0; i < 20; i++) events.push(...order(`u${i}`, `t${i}`, i, "tent", "bag", "x"));
  for (let i = 0; i < 20; i++) events.push(...order(`v${i}`, `g${i}`, i, "grinder", "beans", "x"));
  for (let i = 0; i < 10; i++) events.push(...order(`w${i}`, `s${i}`, i, "x"));
  events.push(...order("u0", "lone", 1, "tent", "beans"));
  const dataset = buildDataset(events, items("tent", "bag", "grinder", "beans", "x"));
  const model = CooccurrenceModel.fit(dataset);

  it("puts the true complement first, above the item that is in every basket", () => {
    const recs = model.similar("tent", 3);
    expect(recs[0]).toMatchObject({ itemId: "bag", reason: { kind: "bought_with", itemId: "tent" } });
    expect(recs.map((r) => r.itemId)).toContain("x");
    expect(recs.map((r) => r.itemId)).not.toContain("beans"); // seen once: below minSupportCount
  });

  it("reports support, confidence and lift per pair", () => {
    const pair = model.pairs().find((p) => p.itemId === "tent" && p.relatedItemId === "bag")!;
    expect(pair.supportCount).toBe(20);
    expect(pair.support).toBeCloseTo(20 / 51);
    expect(pair.confidence).toBeCloseTo(20 / 21);
    expect(pair.lift).toBeGreaterThan(2);
    const common = model.pairs().find((p) => p.itemId === "tent" && p.relatedItemId === "x")!;
    expect(common.lift).toBeLessThan(pair.lift);
  });

  it("cross-sells for a cart and recommends from a shopper's purchases", () => {
    expect(model.recommend({ context: ["grinder"], k: 1 })[0].itemId).toBe("beans");
    const forYou = model.recommend({ userId: "v3", k: 2 });
    expect(forYou.map((r) => r.itemId)).not.toContain("grinder");
    expect(forYou[0]?.reason.kind).toBe("because_you_bought");
  });

  it("counts 20,000 baskets over 500 items in well under two seconds", () => {
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const catalogue = Array.from({ length: 500 }, (_, i) => `p${i}`);
    const big: EngineEvent[] = [];
    for (let b = 0; b < 20_000; b++) {
      const size = 1 + Math.floor(random() * 6);
      for (let j = 0; j < size; j++) {
        big.push({
          userId: `u${b % 2000}`,
          itemId: catalogue[Math.floor(random() ** 2 * 500)],
          kind: "purchase",
          time: b * 1000,
          basketId: `b${b}`,
        });
      }
    }
    const started = performance.now();
    const fitted = CooccurrenceModel.fit(buildDataset(big, items(...catalogue)));
    const seconds = (performance.now() - started) / 1000;
    expect(fitted.pairs().length).toBeGreaterThan(1000);
    expect(seconds).toBeLessThan(2);
  });
});
