import { describe, expect, it } from "vitest";
import { applyTrend, itemTrend, TREND_DEFAULTS } from "./trend";

const DAY = 86_400_000;
const NOW = Date.UTC(2024, 5, 1);
const TWO_WEEKS = { ...TREND_DEFAULTS, shortDays: 14 };

describe("itemTrend", () => {
  // Item 0 sold 4 times in the last 14 days and 4 times before that; item 1 once in the last
  // 14 days and 9 times before; item 2 only 200 days ago (outside the 120 days), once after now.
  const sales = {
    item: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2],
    time: [1, 2, 3, 13, 20, 40, 60, 100, 5, 15, 16, 17, 18, 19, 30, 50, 70, 110, 200, -1].map((days) => NOW - days * DAY),
  };

  it("divides each product's rate over the last 14 days by its rate over the last 120, smoothed by the mean product's rate", () => {
    const trend = itemTrend(3, sales, NOW, TWO_WEEKS);
    // 18 sales in the 120 days over 3 products: the mean product sells 18 / 120 / 3 = 0.05 a day.
    const prior = 18 / 120 / 3;
    expect(trend[0]).toBeCloseTo((4 / 14 + prior) / (8 / 120 + prior), 6);
    expect(trend[1]).toBeCloseTo((1 / 14 + prior) / (10 / 120 + prior), 6);
    expect(trend[2]).toBeCloseTo(prior / prior, 6);
    expect(trend[0]).toBeGreaterThan(trend[1]);
  });

  it("raises the ratio to the power, counts only the positions given, and is 1 everywhere with power 0", () => {
    const trend = itemTrend(3, sales, NOW, TWO_WEEKS);
    const softer = itemTrend(3, sales, NOW, { ...TWO_WEEKS, power: 0.5 });
    expect(softer[0]).toBeCloseTo(Math.sqrt(trend[0]), 6);
    expect(Array.from(itemTrend(3, sales, NOW, { ...TREND_DEFAULTS, power: 0 }))).toEqual([1, 1, 1]);
    // Only item 1's sales: it is the mean product, and sells below its own rate lately.
    const positions = sales.item.flatMap((item, p) => (item === 1 ? [p] : []));
    const prior = 10 / 120 / 3;
    expect(itemTrend(3, { ...sales, positions }, NOW, TWO_WEEKS)[1]).toBeCloseTo((1 / 14 + prior) / (10 / 120 + prior), 6);
    expect(itemTrend(3, { ...sales, positions }, NOW, TWO_WEEKS)[0]).toBeCloseTo(1, 6);
  });

  it("says what to fix when the windows make no sense", () => {
    expect(() => itemTrend(3, sales, NOW, { ...TREND_DEFAULTS, shortDays: 200 })).toThrow(
      /shortDays \(200\) must be positive and below longDays \(120\)/,
    );
    // The default compares four weeks with four months.
    expect(itemTrend(3, sales, NOW)[1]).toBeCloseTo((6 / 28 + 18 / 120 / 3) / (10 / 120 + 18 / 120 / 3), 6);
  });

  it("multiplies scores by the factors, and counts nothing below 0", () => {
    const scores = Float32Array.from([2, -1, 0.5]);
    applyTrend(scores, Float32Array.from([0.5, 3, 2]));
    expect(Array.from(scores)).toEqual([1, 0, 1]);
  });
});
