import { describe, expect, it } from "vitest";
import type { StoreQuality } from "../../engine";
import { RANKER_FEATURES } from "../../engine/models/repeat-ranker";
import { compare, placementQuality } from "./placement-quality";

/** A model's figures with the given recall on each view (the table reads recall only). */
const model = (all: number, fresh: number) => ({
  all: { ndcg: all / 2, recall: all, precision: all / 10 },
  new: { ndcg: fresh / 2, recall: fresh, precision: fresh / 10 },
});

/** A check as training saves it, every model measured, For you without repeats and Trending without the season. */
function check(overrides: { models?: StoreQuality["models"]; repeats?: number; season?: boolean } = {}): StoreQuality {
  return {
    protocol: "time",
    cutoff: Date.UTC(2026, 10, 1),
    k: 10,
    customers: 412,
    models: overrides.models ?? {
      "for-you": model(0.346, 0.274),
      ease: model(0.3, 0.26),
      als: model(0.25, 0.2),
      "two-tower": model(0.2, 0.18),
      trending: model(0.15, 0.12),
      "trending-season": model(0.16, 0.13),
      popularity: model(0.14, 0.1),
      "buy-again": model(0.317, 0),
    },
    choices: {
      forYou: { easeWeight: 0.5, sessions: false, trend: false, hybrid: 0, repeats: overrides.repeats ?? 0 },
      trending: overrides.season === undefined ? {} : { season: overrides.season },
    },
  };
}

const rowKeys = (quality: StoreQuality) =>
  placementQuality(quality).rows.map((row) => `${row.placement} ${row.view} ${row.model} vs ${row.baseline}`);

describe("placementQuality", () => {
  it("compares For you with past purchases on any product and with best sellers on new products where it brings repeats back", () => {
    const quality = placementQuality(check({ repeats: 1 }));
    expect(quality).toMatchObject({ k: 10, customers: 412, forYou: "due-repeats" });
    expect(quality.rows).toEqual([
      {
        placement: "FOR_YOU",
        model: "for-you",
        view: "all",
        recall: 0.346,
        baseline: "buy-again",
        baselineRecall: 0.317,
        difference: { kind: "more", share: 0.09 },
      },
      {
        placement: "FOR_YOU",
        model: "for-you",
        view: "new",
        recall: 0.274,
        baseline: "popularity",
        baselineRecall: 0.1,
        difference: { kind: "times", times: 2.7 },
      },
      {
        placement: "TRENDING",
        model: "trending",
        view: "new",
        recall: 0.12,
        baseline: "popularity",
        baselineRecall: 0.1,
        difference: { kind: "more", share: 0.2 },
      },
    ]);
  });

  it("says the learned ranker serves where its weights are those of today's features", () => {
    const quality = check();
    quality.choices.forYou.ranker = {
      features: [...RANKER_FEATURES],
      mean: RANKER_FEATURES.map(() => 0),
      scale: RANKER_FEATURES.map(() => 1),
      weights: RANKER_FEATURES.map(() => 0.1),
      bias: -2,
    };
    expect(placementQuality(quality).forYou).toBe("ranker");
    expect(rowKeys(quality)[0]).toBe("FOR_YOU all for-you vs buy-again");
  });

  it("compares For you on new products only where it shows no repeats, and Trending with the season where the check chose it", () => {
    const quality = check({ repeats: 0, season: true });
    expect(placementQuality(quality).forYou).toBe("new-only");
    expect(rowKeys(quality)).toEqual(["FOR_YOU new for-you vs popularity", "TRENDING new trending-season vs popularity"]);
  });

  it("leaves out the rows whose models an older check did not measure", () => {
    const { "buy-again": _buyAgain, "trending-season": _season, ...older } = check().models;
    // Repeats on, but no past purchases to compare with: For you keeps its new-products row only.
    expect(rowKeys(check({ models: older, repeats: 1 }))).toEqual([
      "FOR_YOU new for-you vs popularity",
      "TRENDING new trending vs popularity",
    ]);
    // The season chosen but not measured: no Trending row, rather than plain Trending's figure under its name.
    expect(rowKeys(check({ models: older, season: true }))).toEqual(["FOR_YOU new for-you vs popularity"]);
    const { trending: _trending, ...oldest } = older;
    expect(rowKeys(check({ models: oldest }))).toEqual(["FOR_YOU new for-you vs popularity"]);
  });

  it("reads a figure within 2% of its baseline's as about the same, either way", () => {
    const models = { ...check().models, "for-you": model(0.3233, 0.098), trending: model(0.15, 0.102) };
    const rows = placementQuality(check({ models, repeats: 0.5 })).rows;
    expect(rows.map((row) => row.difference)).toEqual([{ kind: "same" }, { kind: "same" }, { kind: "same" }]);
    expect(compare(0.204, 0.2)).toEqual({ kind: "same" });
    expect(compare(0.206, 0.2)).toEqual({ kind: "more", share: 0.03 });
    expect(compare(0, 0)).toEqual({ kind: "same" });
  });

  it("says by how much For you finds fewer than its baseline", () => {
    const models = { ...check().models, "for-you": model(0.25, 0.088) };
    const rows = placementQuality(check({ models, repeats: 2 })).rows;
    expect(rows.slice(0, 2).map((row) => row.difference)).toEqual([
      { kind: "fewer", share: 0.21 },
      { kind: "fewer", share: 0.12 },
    ]);
    expect(compare(0, 0.1)).toEqual({ kind: "fewer", share: 1 });
    expect(compare(0.05, 0)).toEqual({ kind: "only" });
  });
});
