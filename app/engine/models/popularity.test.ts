import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { items, NOW, order } from "../../../test/fixtures/engine-events";
import { MIN_SEASON_SALES, PopularityModel, popularityScores } from "./popularity";

const DAY = 86_400_000;

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
    const model = PopularityModel.fit(dataset, { halfLifeDays: 30, seasonShare: 0 });
    expect(model.recommend({ k: 3 }).map((r) => r.itemId)).toEqual(["b", "c", "a"]);
  });

  it("ranks by volume when the half-life is long", () => {
    const model = PopularityModel.fit(dataset, { halfLifeDays: 100_000, seasonShare: 0 });
    expect(model.recommend({ k: 1 })[0].itemId).toBe("a");
  });

  it("leaves out what the shopper bought and what is excluded, and says where it trends", () => {
    const model = PopularityModel.fit(dataset);
    const recs = model.recommend({ userId: "new0", k: 3, exclude: ["a"] });
    expect(recs.map((r) => r.itemId)).toEqual([]);
    expect(model.recommend({ userId: "old0", k: 3 })[0]).toMatchObject({
      itemId: "b",
      reason: { kind: "trending", collection: "Camping" },
    });
  });

  it("finds popular items of the same collection as similar", () => {
    const model = PopularityModel.fit(dataset);
    expect(model.similar("a", 5).map((r) => r.itemId)).toEqual(["b"]);
    expect(model.similar("c", 5)).toEqual([]);
  });

  it("brings forward what sold in the coming weeks a year ago, where the history reaches back that far", () => {
    // "x" sold 20 times in the four weeks from a year back, "y" 20 times months ago, "z" twice in the last days.
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    const seasonal = buildDataset(
      [
        ...twenty.flatMap((i) => order(`s${i}`, `s${i}`, 360 - i, "x")),
        ...twenty.flatMap((i) => order(`m${i}`, `m${i}`, 200 + i, "y")),
        ...[3, 4].flatMap((days, i) => order(`r${i}`, `r${i}`, days, "z")),
      ],
      items("x", "y", "z"),
      { now: NOW },
    );
    const recs = PopularityModel.fit(seasonal).recommend({ k: 3 });
    expect(recs.map((r) => r.itemId)).toEqual(["x", "z", "y"]);
    // "x" sold in these weeks last year and not lately: "popular this time of year"; "z" trends.
    expect(recs.map((r) => r.reason)).toEqual([
      { kind: "trending", collection: "Camping", season: true },
      { kind: "trending", collection: "Camping" },
      { kind: "trending", collection: "Camping" },
    ]);
    expect(
      PopularityModel.fromJSON(JSON.parse(JSON.stringify(PopularityModel.fit(seasonal).toJSON()))).recommend({ k: 1 })[0].reason,
    ).toMatchObject({ season: true });
    expect(
      PopularityModel.fit(seasonal, { seasonShare: 0 })
        .recommend({ k: 3 })
        .map((r) => r.itemId),
    ).toEqual(["z", "y", "x"]);
  });

  it("is plain decayed popularity where nothing sold in those weeks a year ago", () => {
    const recent = buildDataset(
      [...order("u1", "o1", 10, "a"), ...order("u2", "o2", 2, "b"), ...order("u3", "o3", 1, "b")],
      items("a", "b"),
    );
    expect(PopularityModel.fit(recent).recommend({ k: 2 })).toEqual(PopularityModel.fit(recent, { seasonShare: 0 }).recommend({ k: 2 }));
  });

  it("scores each item's share of the decayed sales and of last year's window, by hand", () => {
    const now = 1_000 * DAY;
    const events = { item: [0, 1, 0, 1], time: [now, now - 10 * DAY, now - 364 * DAY, now + DAY], weight: [1, 1, MIN_SEASON_SALES, 5] };
    const scores = popularityScores(2, events, now, { halfLifeDays: 10, seasonDays: 30, seasonShare: 0.5 });
    // Recent: item 0 has 1 (plus 20 × 0.5^36.4), item 1 has 0.5; the window a year back holds item 0's 20; the sale after `now` is left out.
    const old = MIN_SEASON_SALES * 0.5 ** 36.4;
    expect(scores[0]).toBeCloseTo(0.5 * ((1 + old) / (1.5 + old)) + 0.5, 9);
    expect(scores[1]).toBeCloseTo(0.5 * (0.5 / (1.5 + old)), 9);
    // Fewer sales in those weeks say nothing of a season: recent sales alone.
    const thin = popularityScores(2, { ...events, weight: [1, 1, MIN_SEASON_SALES - 1, 5] }, now, {
      halfLifeDays: 10,
      seasonDays: 30,
      seasonShare: 0.5,
    });
    const few = (MIN_SEASON_SALES - 1) * 0.5 ** 36.4;
    expect(thin[0]).toBeCloseTo((1 + few) / (1.5 + few), 9);
    expect(thin[1]).toBeCloseTo(0.5 / (1.5 + few), 9);
    // Only the positions given count.
    const first = popularityScores(2, { ...events, positions: [1] }, now, { halfLifeDays: 10, seasonDays: 30, seasonShare: 0.5 });
    expect([...first]).toEqual([0, 1]);
    expect(() => popularityScores(2, events, now, { halfLifeDays: 10, seasonDays: 30, seasonShare: 2 })).toThrow(
      /seasonShare within 0\.\.1/,
    );
  });
});
