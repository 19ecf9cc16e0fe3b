import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { items, order } from "../../../test/fixtures/engine-events";
import { userItems } from "../eval/matrix";
import { DueRepeatScorer } from "../eval/scorers";
import { BuyAgainModel } from "./buy-again";
import { datasetPurchases } from "./repeat-ranker";

describe("BuyAgainModel", () => {
  // Coffee ("c-beans") is rebought every ~30 days; nobody buys a second tent.
  const events = [
    ...[90, 60, 30].flatMap((days, i) => order("u1", `a${i}`, days, "c-beans")),
    ...[70, 40, 10].flatMap((days, i) => order("u2", `b${i}`, days, "c-beans")),
    ...order("u1", "t1", 100, "tent"),
    ...order("u2", "t2", 100, "tent"),
  ];
  const model = BuyAgainModel.fit(buildDataset(events, items("c-beans", "tent")));

  it("learns each product's repurchase interval", () => {
    expect(model.intervalDays("c-beans")).toBe(30);
    expect(model.intervalDays("tent")).toBe(0);
  });

  it("offers a shopper their rebuy products, not one-off purchases", () => {
    expect(model.recommend({ userId: "u1", k: 5 })).toEqual([
      { itemId: "c-beans", score: expect.any(Number), reason: { kind: "buy_again", itemId: "c-beans" } },
    ]);
    expect(model.recommend({ userId: "stranger", k: 5 })).toEqual([]);
  });

  it("scores in the 30-day check (DueRepeatScorer) as it serves, and nothing but the shopper's repeats", () => {
    const dataset = buildDataset(events, items("c-beans", "tent"));
    const { user, item, time, positions } = datasetPurchases(dataset);
    const scorer = new DueRepeatScorer({ user, item, time, positions, now: dataset.now });
    scorer.fit(userItems(dataset.userIds.length, dataset.items.length, user, item, positions));
    const out = new Float32Array(dataset.items.length);
    for (const userId of ["u1", "u2"]) {
      scorer.score(dataset.userIds.indexOf(userId), new Int32Array(0), out);
      const served = model.recommend({ userId, k: 5 });
      expect(served.map((r) => r.itemId)).toEqual(["c-beans"]);
      expect(out[dataset.items.findIndex((i) => i.id === "c-beans")]).toBeCloseTo(served[0].score, 5);
      expect(out[dataset.items.findIndex((i) => i.id === "tent")]).toBe(0);
    }
  });

  it("scores a shopper who is due above one who just bought", () => {
    const due = model.recommend({ userId: "u1", k: 1 })[0].score; // last bought 30 days ago
    const justBought = model.recommend({ userId: "u2", k: 1 })[0].score; // 10 days ago
    expect(due).toBeGreaterThan(justBought);
  });

  it("reads models saved as version 1 with one [item, times bought, last purchase] array per item", () => {
    const saved = model.toJSON();
    expect(saved.purchases[0]).toEqual([0, 3, expect.any(Number)]);
    const legacy = { ...saved, purchases: saved.purchases.map((row) => (row.length ? [row] : [])) };
    expect(BuyAgainModel.fromJSON(JSON.parse(JSON.stringify(legacy)), 1).recommend({ userId: "u1", k: 5 })).toEqual(
      model.recommend({ userId: "u1", k: 5 }),
    );
  });
});
