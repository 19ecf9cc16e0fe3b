import { describe, expect, it } from "vitest";
import { learnSeasonality } from "./seasonality";
import type { EngineEvent, EngineItem } from "./types";

describe("learned seasonality", () => {
  const items: EngineItem[] = [
    { id: "bauble", title: "Bauble", productType: "Decorations", collections: ["Christmas"] },
    { id: "lights", title: "Lights", productType: "Decorations", collections: ["Christmas"] },
    { id: "mug", title: "Mug", productType: "Kitchen", collections: [] },
    { id: "rare", title: "Rare", productType: "Rare", collections: [] },
  ];
  // Two years: mugs sell 20 a month all year; decorations 5 a month, 60 in November and December.
  const events: EngineEvent[] = [];
  for (const year of [2024, 2025]) {
    for (let month = 0; month < 12; month++) {
      const time = Date.UTC(year, month, 10);
      for (let i = 0; i < 20; i++) events.push({ userId: `u${i}`, itemId: "mug", kind: "purchase", time });
      const decorations = month >= 10 ? 60 : 5;
      for (let i = 0; i < decorations; i++) events.push({ userId: `u${i}`, itemId: i % 2 ? "bauble" : "lights", kind: "purchase", time });
      events.push({ userId: "v", itemId: "mug", kind: "view", time });
    }
  }
  events.push({ userId: "x", itemId: "rare", kind: "purchase", time: Date.UTC(2025, 5, 1), quantity: 3 });

  it("finds the planted peak, leaves the steady seller near 1, and skips groups with too few sales", () => {
    const curves = learnSeasonality(events, items);
    const curve = (type: string, value: string) => curves.find((c) => c.targetType === type && c.targetValue === value)!;
    const decorations = curve("PRODUCT_TYPE", "Decorations");
    expect(decorations.purchases).toBe(2 * (10 * 5 + 2 * 60));
    // December: 120 units where the store's December and the group's usual share (340 of 823)
    // predict 66, so about 1.8 (1.7 after smoothing); June: 10 where 22 are expected.
    expect(decorations.months[11]).toBeGreaterThan(1.6);
    expect(decorations.months[5]).toBeLessThan(0.7);
    expect(curve("COLLECTION", "Christmas").months).toEqual(decorations.months);
    const mugs = curve("PRODUCT_TYPE", "Kitchen").months;
    expect(mugs[11]).toBeLessThan(0.6);
    expect(mugs[5]).toBeGreaterThan(1.1);
    expect(mugs[5]).toBeLessThan(1.5);
    expect(curves.find((c) => c.targetValue === "Rare")).toBeUndefined();
  });

  it("stays at 1 in months the history does not cover, and within the clamp", () => {
    const summer = events.filter((event) => new Date(event.time).getUTCMonth() < 6 || new Date(event.time).getUTCMonth() >= 10);
    const decorations = learnSeasonality(summer, items, { clamp: 2 }).find((c) => c.targetValue === "Decorations")!;
    expect(decorations.months.slice(6, 10)).toEqual([1, 1, 1, 1]);
    expect(Math.max(...decorations.months)).toBeLessThanOrEqual(2);
    expect(Math.min(...decorations.months)).toBeGreaterThanOrEqual(0.5);
  });
});
