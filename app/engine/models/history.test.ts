import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { items, NOW, order } from "../../../test/fixtures/engine-events";
import { EaseModel } from "./ease";
import { HistoryIndex, historyFromDataset, historyFromV1 } from "./history";

describe("user history", () => {
  const dataset = buildDataset(
    [
      ...order("u1", "o1", 0, "a", "b"),
      ...order("u1", "o2", 0, "b"),
      ...order("u2", "o3", 0, "c"),
      ...order("u3", "o4", 0, "a"),
      ...order("u3", "o5", 0, "c"),
    ],
    items("a", "b", "c"),
    { now: NOW, halfLifeDays: 90 },
  );

  it("keeps each shopper's strongest interests flat, as item and interest alternating, and what they bought", () => {
    const history = historyFromDataset(dataset);
    expect(history.items.slice(0, 2)).toEqual([
      [1, 2, 0, 1],
      [2, 1],
    ]);
    expect(history.bought).toEqual([[0, 1], [2], [0, 2]]);
    expect(new HistoryIndex(history).interest("u1")).toEqual([
      [1, 2],
      [0, 1],
    ]);
    expect(new HistoryIndex(history).interest("nobody")).toEqual([]);
    // The models of one training share one history per cap, and the purchases across caps.
    expect(historyFromDataset(dataset)).toBe(history);
    expect(historyFromDataset(dataset, { maxItemsPerUser: 0 }).bought).toBe(history.bought);
    expect(historyFromDataset(dataset, { maxItemsPerUser: 0 }).items).toEqual([[], [], []]);
  });

  it("reads models saved as version 1 with one [item, interest] array per pair", () => {
    const saved = EaseModel.fit(dataset).toJSON();
    const legacy = {
      ...saved,
      history: {
        ...saved.history,
        items: [
          [
            [1, 2],
            [0, 1],
          ],
          [[2, 1]],
          [
            [0, 1],
            [2, 1],
          ],
        ],
      },
    };
    const model = EaseModel.fromJSON(JSON.parse(JSON.stringify(legacy)), 1);
    const current = EaseModel.fromJSON(JSON.parse(JSON.stringify(saved))).recommend({ userId: "u3", k: 3 });
    expect(current.map((recommendation) => recommendation.itemId)).toContain("b");
    expect(model.recommend({ userId: "u3", k: 3 })).toEqual(current);
    expect(new HistoryIndex(historyFromV1(legacy.history)).interest("u1")).toEqual([
      [1, 2],
      [0, 1],
    ]);
  });
});
