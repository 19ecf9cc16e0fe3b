import { describe, expect, it } from "vitest";
import { blendScaledLists, blendScaledRows, sumScores, unionInOrder } from "./blend";
import type { Recommendation } from "./types";

const list = (...entries: [string, number][]): Recommendation[] =>
  entries.map(([itemId, score]) => ({ itemId, score, reason: { kind: "popular" } }));

describe("blendScaledLists", () => {
  it("orders equal scores by item id, or in the order the lists first give them", () => {
    const list = (...ids: string[]) => ids.map((itemId) => ({ itemId, score: 1, reason: { kind: "popular" as const } }));
    expect(blendScaledLists([list("b", "a"), list("c")], [1, 1], 3).map((r) => r.itemId)).toEqual(["a", "b", "c"]);
    expect(blendScaledLists([list("b", "a"), list("c")], [1, 1], 3, undefined, "first-met").map((r) => r.itemId)).toEqual(["b", "a", "c"]);
  });

  it("scales each list to a maximum of 1, weighs and sums, keeping the reason of the larger share", () => {
    const first = list(["a", 4], ["b", 2]);
    const second = list(["b", 10], ["c", 5]).map((r): Recommendation => ({ ...r, reason: { kind: "similar", itemId: "x" } }));
    // a: 0.75·1 = 0.75; b: 0.75·0.5 + 0.25·1 = 0.625; c: 0.25·0.5 = 0.125.
    const blended = blendScaledLists([first, second], [0.75, 0.25], 3);
    expect(blended.map((r) => [r.itemId, r.score])).toEqual([
      ["a", 0.75],
      ["b", 0.625],
      ["c", 0.125],
    ]);
    expect(blended[1].reason).toEqual({ kind: "popular" });
    expect(blendScaledLists([first, second], [0, 1], 2).map((r) => r.itemId)).toEqual(["b", "c"]);
    expect(blendScaledLists([[], []], [0.5, 0.5], 2)).toEqual([]);
  });

  it("multiplies each blended score by the item's factor before ranking (the trend)", () => {
    const first = list(["a", 4], ["b", 2]);
    const second = list(["b", 10], ["c", 5]);
    // a: 0.75 · 0.5 = 0.375; b: 0.625 · 1 = 0.625; c: 0.125 · 4 = 0.5.
    const trend: Record<string, number> = { a: 0.5, b: 1, c: 4 };
    const blended = blendScaledLists([first, second], [0.75, 0.25], 3, (itemId) => trend[itemId]);
    expect(blended.map((r) => [r.itemId, r.score])).toEqual([
      ["b", 0.625],
      ["c", 0.5],
      ["a", 0.375],
    ]);
  });

  it("sums an item's entries within one list, ranks equal scores by item id, and leaves the lists as they were", () => {
    const first = list(["b", 2], ["a", 2], ["b", 2]);
    const copy = structuredClone(first);
    // b: 1 + 1 = 2; a: 1; c: 0.5 · 1 = 0.5 and d: 0.5 · 1 = 0.5, tied, so c first.
    const blended = blendScaledLists([first, list(["d", 3], ["c", 3], ["e", -1])], [1, 0.5], 4);
    expect(blended.map((r) => [r.itemId, r.score])).toEqual([
      ["b", 2],
      ["a", 1],
      ["c", 0.5],
      ["d", 0.5],
    ]);
    expect(first).toEqual(copy);
  });
});

describe("sumScores", () => {
  const entry = (productId: string, score: number, source: string) => ({
    productId,
    score,
    reason: { kind: "similar" as const, itemId: source },
  });

  it("adds up an item's scores, keeping the entry it scored highest in (the first on a tie)", () => {
    const shown = [entry("a", 1, "x"), entry("b", 3, "x")];
    const cart = [entry("b", 4, "y"), entry("a", 1, "y"), entry("c", 2, "y")];
    const summed = sumScores([shown, cart], (item) => item.productId);
    expect(summed).toEqual([entry("b", 7, "y"), entry("a", 2, "x"), entry("c", 2, "y")]);
    expect(shown).toEqual([entry("a", 1, "x"), entry("b", 3, "x")]);
  });

  it("keeps equal totals in the order first met, and sums an item twice in one list", () => {
    const summed = sumScores(
      [[entry("c", 1, "x"), entry("a", 2, "x"), entry("c", 1, "x")], [entry("b", 2, "y")]],
      (item) => item.productId,
    );
    expect(summed.map((item) => [item.productId, item.score])).toEqual([
      ["c", 2],
      ["a", 2],
      ["b", 2],
    ]);
    expect(sumScores([[], []], (item: ReturnType<typeof entry>) => item.productId)).toEqual([]);
  });
});

describe("unionInOrder", () => {
  it("takes the first list in order, then the next lists' new items, up to k, with the scores they came with", () => {
    const personal = list(["a", 0.9], ["b", 0.5]);
    const popular = list(["b", 40], ["c", 30], ["d", 20]);
    expect(unionInOrder([personal, popular], 3).map((r) => [r.itemId, r.score])).toEqual([
      ["a", 0.9],
      ["b", 0.5],
      ["c", 30],
    ]);
    expect(unionInOrder([personal, popular], 10).map((r) => r.itemId)).toEqual(["a", "b", "c", "d"]);
    expect(unionInOrder([personal], 0)).toEqual([]);
    expect(unionInOrder([personal, popular], 3)[0]).toBe(personal[0]);
  });
});

describe("blendScaledRows", () => {
  it("scales each row by its largest magnitude, keeps negative scores, and counts a row of zeros as nothing", () => {
    const out = new Float32Array([9, 9, 9]);
    blendScaledRows(out, [new Float32Array([2, -4, 1]), new Float32Array([0, 0, 0]), new Float32Array([1, 2, 0])], [0.5, 10, 0.25]);
    // 0.5 · [0.5, -1, 0.25] + 0.25 · [0.5, 1, 0]
    expect([...out]).toEqual([0.375, -0.25, 0.125]);
  });
});
