import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { items, order } from "../test-data";
import { PopularityModel } from "./popularity";

describe("PopularityModel", () => {
  const dataset = buildDataset(
    [
      // "a" sold well a year ago, "b" sells now, "c" once recently.
      ...Array.from({ length: 6 }, (_, i) => order(`old${i}`, `o${i}`, 365, "a")).flat(),
      ...Array.from({ length: 3 }, (_, i) => order(`new${i}`, `n${i}`, 2, "b")).flat(),
      ...order("new0", "n9", 1, "c"),
    ],
    items("a", "b", "c"),
  );

  it("ranks recent sales above old ones with a short half-life", () => {
    const model = PopularityModel.fit(dataset, { halfLifeDays: 30 });
    expect(model.recommend({ k: 3 }).map((r) => r.itemId)).toEqual(["b", "c", "a"]);
  });

  it("ranks by volume when the half-life is long", () => {
    const model = PopularityModel.fit(dataset, { halfLifeDays: 100_000 });
    expect(model.recommend({ k: 1 })[0].itemId).toBe("a");
  });

  it("leaves out what the shopper bought and what is excluded, and says where it trends", () => {
    const model = PopularityModel.fit(dataset);
    const recs = model.recommend({ userId: "new0", k: 3, exclude: ["a"] });
    expect(recs.map((r) => r.itemId)).toEqual([]);
    expect(model.recommend({ userId: "old0", k: 3 })[0]).toMatchObject({ itemId: "b", reason: { kind: "trending", collection: "Camping" } });
  });

  it("finds popular items of the same collection as similar", () => {
    const model = PopularityModel.fit(dataset);
    expect(model.similar("a", 5).map((r) => r.itemId)).toEqual(["b"]);
    expect(model.similar("c", 5)).toEqual([]);
  });
});
