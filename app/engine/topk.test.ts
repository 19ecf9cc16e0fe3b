import { describe, expect, it } from "vitest";
import { topK } from "./topk";

describe("topK", () => {
  it("returns the k highest positive scores, best first, skipping what it is told", () => {
    expect(topK([0.1, 5, 3, 0, 9, 3], 3)).toEqual([4, 1, 2]);
    expect(topK([0.1, 5, 3, 0, 9, 3], 3, (index) => index === 4)).toEqual([1, 2, 5]);
    expect(topK([0, -1, 0], 2)).toEqual([]);
  });

  it("agrees with a full sort on random input", () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const scores = Array.from({ length: 1000 }, random);
    const expected = scores
      .map((score, index) => [score, index])
      .sort((a, b) => b[0] - a[0])
      .slice(0, 25)
      .map(([, index]) => index);
    expect(topK(scores, 25)).toEqual(expected);
  });
});
