import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { items, order } from "../../../test/fixtures/engine-events";
import { BuyAgainModel } from "./buy-again";

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
