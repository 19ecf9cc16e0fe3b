import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { deserializeModel, serializeModel } from "../registry";
import { order } from "../../../test/fixtures/engine-events";
import type { EngineItem } from "../types";
import { ContentModel, contentNeighbours, tfidf, tokenize } from "./content";

const catalogue: EngineItem[] = [
  { id: "tent", title: "Alpine Tent", tags: ["camping", "outdoor"], productType: "Tents", vendor: "Peak" },
  { id: "tent-2", title: "Alpine Tent XL", tags: ["camping", "outdoor"], productType: "Tents", vendor: "Peak" },
  { id: "stove", title: "Camping Stove", tags: ["camping"], productType: "Cooking", vendor: "Peak" },
  { id: "beans", title: "Espresso Beans", tags: ["coffee"], productType: "Coffee", vendor: "Roast Co" },
  { id: "grinder", title: "Espresso Grinder", tags: ["coffee"], productType: "Coffee gear", vendor: "Roast Co" },
  { id: "odd", title: "Gift Card", description: "<p>Any amount</p>" },
];

describe("tf-idf", () => {
  it("tokenizes words without accents, markup or stop words", () => {
    expect(tokenize("Café <b>au</b> lait & the Crème")).toEqual(["cafe", "au", "lait", "creme"]);
  });

  it("weighs rare shared terms over common ones, in rows of unit length", () => {
    const rows = tfidf(catalogue);
    const termsOf = (item: number) =>
      new Map(
        Array.from(rows.cols.subarray(rows.rowStart[item], rows.rowStart[item + 1]), (c, e) => [
          rows.vocabulary[c],
          rows.values[rows.rowStart[item] + e],
        ]),
      );
    const tent = termsOf(0);
    // "alpine" is in 2 of 6 items, "camping" in 3: the same weight in the title counts more for the rarer term.
    expect(tent.get("alpine")!).toBeGreaterThan(tent.get("peak")!);
    expect(Math.hypot(...tent.values())).toBeCloseTo(1, 5);
    // A term found in one item only ("gift") is dropped; the gift card has no terms left.
    expect(rows.vocabulary).not.toContain("gift");
    expect(termsOf(5).size).toBe(0);
  });

  it("finds the nearest items by cosine, above the threshold only", () => {
    const neighbours = contentNeighbours(tfidf(catalogue), 2, 0.05);
    expect(neighbours[0].map(([item]) => catalogue[item].id)).toEqual(["tent-2", "stove"]);
    expect(neighbours[3].map(([item]) => catalogue[item].id)).toEqual(["grinder"]);
    expect(neighbours[5]).toEqual([]);
  });
});

describe("ContentModel", () => {
  const dataset = buildDataset([...order("camper", "o1", 3, "tent"), ...order("barista", "o2", 2, "beans")], catalogue);
  const model = ContentModel.fit(dataset);

  it("recommends products like the shopper's, new ones included, leaving out what they bought", () => {
    const forCamper = model.recommend({ userId: "camper", k: 3 }).map((r) => r.itemId);
    expect(forCamper.slice(0, 2)).toEqual(["tent-2", "stove"]);
    expect(forCamper).not.toContain("tent");
    expect(model.recommend({ userId: "barista", k: 1 })).toEqual([
      expect.objectContaining({ itemId: "grinder", reason: { kind: "because_you_bought", itemId: "beans" } }),
    ]);
    expect(model.recommend({ context: ["grinder"], k: 1 })[0]).toMatchObject({
      itemId: "beans",
      reason: { kind: "similar", itemId: "grinder" },
    });
  });

  it("round-trips through serialization", () => {
    const copy = deserializeModel(serializeModel(model));
    expect(copy.similar("tent", 3)).toEqual(model.similar("tent", 3));
    expect(copy.recommend({ userId: "camper", k: 3 })).toEqual(model.recommend({ userId: "camper", k: 3 }));
  });
});
