import { describe, expect, it } from "vitest";
import { blendByScore } from "./blend";
import type { Recommendation } from "./types";

const list = (...entries: [string, number][]): Recommendation[] =>
  entries.map(([itemId, score]) => ({ itemId, score, reason: { kind: "popular" } }));

describe("blendByScore", () => {
  it("scales each list to a maximum of 1, weighs and sums, keeping the reason of the larger share", () => {
    const first = list(["a", 4], ["b", 2]);
    const second = list(["b", 10], ["c", 5]).map((r): Recommendation => ({ ...r, reason: { kind: "similar", itemId: "x" } }));
    // a: 0.75·1 = 0.75; b: 0.75·0.5 + 0.25·1 = 0.625; c: 0.25·0.5 = 0.125.
    const blended = blendByScore([first, second], [0.75, 0.25], 3);
    expect(blended.map((r) => [r.itemId, r.score])).toEqual([
      ["a", 0.75],
      ["b", 0.625],
      ["c", 0.125],
    ]);
    expect(blended[1].reason).toEqual({ kind: "popular" });
    expect(blendByScore([first, second], [0, 1], 2).map((r) => r.itemId)).toEqual(["b", "c"]);
    expect(blendByScore([[], []], [0.5, 0.5], 2)).toEqual([]);
  });

  it("multiplies each blended score by the item's factor before ranking (the trend)", () => {
    const first = list(["a", 4], ["b", 2]);
    const second = list(["b", 10], ["c", 5]);
    // a: 0.75 · 0.5 = 0.375; b: 0.625 · 1 = 0.625; c: 0.125 · 4 = 0.5.
    const trend: Record<string, number> = { a: 0.5, b: 1, c: 4 };
    const blended = blendByScore([first, second], [0.75, 0.25], 3, (itemId) => trend[itemId]);
    expect(blended.map((r) => [r.itemId, r.score])).toEqual([
      ["b", 0.625],
      ["c", 0.5],
      ["a", 0.375],
    ]);
  });
});
