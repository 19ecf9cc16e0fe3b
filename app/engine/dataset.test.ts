import { describe, expect, it } from "vitest";
import { basketCount, basketItems, buildDataset, forEachPurchased, reviewWeight } from "./dataset";
import { DAY, items, NOW, order } from "../../test/fixtures/engine-events";

describe("buildDataset", () => {
  it("groups purchases into baskets and per-user histories, dropping unknown items", () => {
    const dataset = buildDataset(
      [...order("u1", "o1", 10, "a", "b"), ...order("u1", "o2", 5, "a"), ...order("u2", "o3", 1, "b", "ghost")],
      items("a", "b"),
    );
    expect(Array.from({ length: basketCount(dataset) }, (_, basket) => [...basketItems(dataset, basket)])).toEqual([[0, 1], [0], [1]]);
    const bought: [number, number[]][] = [];
    forEachPurchased(dataset, dataset.userIndex.get("u1")!, (item, times) => bought.push([item, [...times]]));
    expect(bought).toEqual([
      [0, [NOW - 10 * DAY, NOW - 5 * DAY]],
      [1, [NOW - 10 * DAY]],
    ]);
    expect(dataset.unknownItemEvents).toBe(1);
    expect(dataset.now).toBe(NOW - DAY);
  });

  it("decays interest with age and lets refunds and bad reviews take it away", () => {
    const dataset = buildDataset(
      [
        ...order("u1", "o1", 90, "a"),
        ...order("u1", "o2", 0, "b"),
        { userId: "u1", itemId: "b", kind: "refund", time: NOW },
        { userId: "u1", itemId: "c", kind: "review", rating: 1, time: NOW },
      ],
      items("a", "b", "c"),
      { halfLifeDays: 90, now: NOW },
    );
    const interest = dataset.interest[0];
    expect(interest.get(0)).toBeCloseTo(0.5);
    expect(interest.get(1)).toBeCloseTo(0);
    expect(interest.get(2)!).toBeLessThan(0);
  });

  it("treats reviews as signals by rating, never as purchases", () => {
    expect(reviewWeight(5)).toBeGreaterThan(reviewWeight(4));
    expect(reviewWeight(3)).toBe(0);
    expect(reviewWeight(1)).toBeLessThan(reviewWeight(2));
    expect(reviewWeight(2)).toBeLessThan(0);
  });
});
