import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { items, NOW, order } from "../../../test/fixtures/engine-events";
import type { EngineEvent } from "../types";
import { RANKER_FEATURES } from "../models/repeat-ranker";
import {
  evaluateOnHistory,
  HYBRID_SHARES,
  MIN_RANKER_CUSTOMERS,
  rankerExamplesBefore,
  readStoreQuality,
  servesRepeats,
  type StoreQuality,
} from "./store-quality";

describe("evaluateOnHistory", () => {
  // Five product lines: a lead item x, the y bought with it in one order, and a z bought by the
  // same shoppers half a year before. Later shoppers buy x before the last 30 days and y after.
  const lines = [0, 1, 2, 3, 4];
  const catalogue = items(...lines.flatMap((line) => [`z${line}`, `x${line}`, `y${line}`]));
  const history = (together: boolean) => {
    const events: EngineEvent[] = [];
    for (const line of lines) {
      for (let i = 0; i < 10; i++) {
        const shopper = `s${line}-${i}`;
        events.push(
          ...order(shopper, `${shopper}-z`, together ? 100 : 300 + i, `z${line}`),
          ...order(shopper, `${shopper}-xy`, 100, `x${line}`, `y${line}`),
        );
      }
      for (let i = 0; i < 4; i++) {
        const shopper = `t${line}-${i}`;
        events.push(...order(shopper, `${shopper}-x`, 60, `x${line}`), ...order(shopper, `${shopper}-y`, 10, `y${line}`));
      }
    }
    return buildDataset(events, catalogue);
  };

  it("turns on session proximity for the shop whose shoppers buy together what goes together", async () => {
    const quality = (await evaluateOnHistory(history(false), { k: 1, minCustomers: 5 }))!;
    expect(quality.customers).toBe(20);
    expect(quality.choices.forYou.sessions).toBe(true);
    expect(quality.models["session-ease"].new.ndcg).toBe(1);
    expect(quality.models["session-ease"].new.ndcg).toBeGreaterThan(quality.models.ease.new.ndcg);
    expect(quality.models["for-you"].new.ndcg).toBe(1);
  });

  it("keeps plain EASE when proximity and recency tell nothing (everything bought at once)", async () => {
    const quality = (await evaluateOnHistory(history(true), { k: 1, minCustomers: 5 }))!;
    expect(quality.models["session-ease"].new.ndcg).toBe(quality.models.ease.new.ndcg);
    expect(quality.models["recent-ease"].new.ndcg).toBe(quality.models.ease.new.ndcg);
    expect(quality.choices.forYou.sessions).toBe(false);
    expect(quality.choices.forYou.recency).toBe(false);
  });

  it("weighs EASE by recency for the shop whose shoppers move on to what goes with their latest purchase", async () => {
    // Per line: 11 shoppers bought o with oc, 10 bought r with rc. Later shoppers bought o ten
    // months ago and r before the last 30 days, and in them rc: by count o's companion leads, by
    // recency r's.
    const events: EngineEvent[] = [];
    for (const line of lines) {
      for (let i = 0; i < 11; i++) events.push(...order(`o${line}-${i}`, `o${line}-${i}`, 100, `o${line}`, `oc${line}`));
      for (let i = 0; i < 10; i++) events.push(...order(`r${line}-${i}`, `r${line}-${i}`, 100, `r${line}`, `rc${line}`));
      for (let i = 0; i < 4; i++) {
        const shopper = `d${line}-${i}`;
        events.push(...order(shopper, `${shopper}-o`, 300, `o${line}`), ...order(shopper, `${shopper}-r`, 45, `r${line}`));
        events.push(...order(shopper, `${shopper}-rc`, 5, `rc${line}`));
      }
    }
    const dataset = buildDataset(events, items(...lines.flatMap((line) => [`o${line}`, `oc${line}`, `r${line}`, `rc${line}`])));
    const quality = (await evaluateOnHistory(dataset, { k: 1, minCustomers: 5 }))!;
    expect(quality.customers).toBe(20);
    expect(quality.models.ease.new.ndcg).toBe(0);
    expect(quality.models["recent-ease"].new.ndcg).toBe(1);
    expect(quality.choices.forYou).toMatchObject({ recency: true, sessions: false });
    expect(quality.models["for-you"].new.ndcg).toBe(1);
  });

  // Five product lines: shoppers bought a lead item a with `old` long ago (11 of them) and with
  // `rising` in the two weeks before the last 30 days (10). Later shoppers bought a before the
  // last 30 days and, in them, either the rising product or the old one.
  const trending = (after: "rising" | "old") => {
    const events: EngineEvent[] = [];
    for (const line of lines) {
      for (let i = 0; i < 11; i++) events.push(...order(`p${line}-${i}`, `p${line}-${i}`, 100, `a${line}`, `old${line}`));
      for (let i = 0; i < 10; i++) events.push(...order(`r${line}-${i}`, `r${line}-${i}`, 45, `a${line}`, `rising${line}`));
      for (let i = 0; i < 4; i++) {
        const shopper = `t${line}-${i}`;
        events.push(...order(shopper, `${shopper}-a`, 60, `a${line}`), ...order(shopper, `${shopper}-later`, 10, `${after}${line}`));
      }
    }
    return buildDataset(events, items(...lines.flatMap((line) => [`a${line}`, `old${line}`, `rising${line}`])));
  };

  it("lets the rising products lead where shoppers went on to buy them", async () => {
    const quality = (await evaluateOnHistory(trending("rising"), { k: 1, minCustomers: 5 }))!;
    expect(quality.customers).toBe(20);
    expect(quality.choices.forYou.trend).toBe(true);
    expect(quality.models.ease.new.ndcg).toBe(0);
    expect(quality.models["for-you"].new.ndcg).toBe(1);
  });

  // Five product lines named by a word of their own: shoppers bought a line's lantern and
  // blanket; later shoppers bought both before the last 30 days and, in them, the line's new
  // set of both, which nobody had bought before. Only the words place the set beside its line.
  const words = ["alpine", "harbor", "meadow", "canyon", "prairie"];
  const newProducts = () => {
    const events: EngineEvent[] = [];
    words.forEach((word) => {
      for (let i = 0; i < 10; i++) events.push(...order(`p-${word}-${i}`, `p-${word}-${i}`, 100 + i, `${word}-lantern`, `${word}-blanket`));
      for (let i = 0; i < 4; i++) {
        const shopper = `t-${word}-${i}`;
        events.push(
          ...order(shopper, `${shopper}-a`, 60, `${word}-lantern`, `${word}-blanket`),
          ...order(shopper, `${shopper}-b`, 10, `${word}-set`),
        );
      }
    });
    // The sets last, so that a model with nothing to say about them does not list them first.
    const catalogue = [
      ...["lantern", "blanket"].flatMap((kind) => words.map((word) => ({ id: `${word}-${kind}`, title: `${word} ${kind}` }))),
      ...words.map((word) => ({ id: `${word}-set`, title: `${word} lantern, ${word} blanket` })),
    ];
    return buildDataset(events, catalogue);
  };

  it("gives the two-tower hybrid a share where the products shoppers went on to buy are new, and leaves it out of a large shop", async () => {
    const quality = (await evaluateOnHistory(newProducts(), { k: 1, minCustomers: 5 }))!;
    expect(quality.customers).toBe(20);
    expect(quality.models.ease.new.ndcg).toBe(0);
    expect(quality.models["two-tower"].new.ndcg).toBe(1);
    expect(HYBRID_SHARES).toContain(quality.choices.forYou.hybrid);
    expect(quality.choices.forYou.hybrid).toBeGreaterThan(0);
    expect(quality.models["for-you"].new.ndcg).toBe(1);
    const large = (await evaluateOnHistory(newProducts(), { k: 1, minCustomers: 5, maxHybridCells: 100 }))!;
    expect(large.models["two-tower"]).toBeUndefined();
    expect(large.choices.forYou.hybrid).toBe(0);
  });

  it("leaves the trend out where shoppers went on to buy what sold before", async () => {
    const quality = (await evaluateOnHistory(trending("old"), { k: 1, minCustomers: 5 }))!;
    expect(quality.choices.forYou.trend).toBe(false);
    expect(quality.models["for-you"].new.ndcg).toBe(1);
  });

  // Five seasonal products sold in the weeks from a year before the last 30 days, five steady
  // ones in the weeks before them; 20 shoppers bought a filler product before the last 30 days
  // and, in them, either a seasonal product or a steady one (shopper i the i % 5th).
  const seasons = (after: "seasonal" | "steady", yearAgo = true) => {
    const events: EngineEvent[] = [];
    for (const line of lines) {
      if (yearAgo) for (let i = 0; i < 6; i++) events.push(...order(`s${line}-${i}`, `s${line}-${i}`, 380, `seasonal${line}`));
      for (let i = 0; i < 8; i++) events.push(...order(`p${line}-${i}`, `p${line}-${i}`, 40 + i, `steady${line}`));
    }
    for (let i = 0; i < 20; i++)
      events.push(...order(`t${i}`, `t${i}-a`, 60, "filler"), ...order(`t${i}`, `t${i}-b`, 10, `${after}${i % 5}`));
    return buildDataset(events, items("filler", ...lines.flatMap((line) => [`seasonal${line}`, `steady${line}`])), { now: NOW });
  };

  it("lets Trending read last year's season where what sold in those weeks sold again", async () => {
    const quality = (await evaluateOnHistory(seasons("seasonal"), { k: 1, minCustomers: 5 }))!;
    expect(quality.customers).toBe(20);
    expect(quality.models.trending.new.ndcg).toBe(0);
    expect(quality.models["trending-season"].new.ndcg).toBeGreaterThan(0);
    expect(quality.choices.trending.season).toBe(true);
  });

  it("keeps Trending to recent sales where shoppers went on to buy those, and cannot tell without a year of history", async () => {
    const steady = (await evaluateOnHistory(seasons("steady"), { k: 1, minCustomers: 5 }))!;
    expect(steady.models.trending.new.ndcg).toBeGreaterThan(steady.models["trending-season"].new.ndcg);
    expect(steady.choices.trending.season).toBe(false);
    const young = (await evaluateOnHistory(seasons("steady", false), { k: 1, minCustomers: 5 }))!;
    expect(young.models["trending-season"]).toBeUndefined();
    expect(young.choices.trending.season).toBeUndefined();
  });
});

describe("evaluateOnHistory, repeats", () => {
  // Five product lines of a consumable c and a gadget g bought with it. Each shopper of the line
  // bought g once and c on several days; in the last 30 days they either buy c again (a store of
  // consumables) or a new product n that others of the line bought (a store where nobody rebuys).
  const lines = [0, 1, 2, 3, 4];
  const store = (rebuy: boolean) => {
    const events: EngineEvent[] = [];
    for (const line of lines) {
      for (let i = 0; i < 8; i++) {
        const shopper = `s${line}-${i}`;
        events.push(...order(shopper, `${shopper}-1`, 150, `g${line}`, `c${line}`), ...order(shopper, `${shopper}-2`, 90, `c${line}`));
        events.push(...order(shopper, `${shopper}-3`, 45 + i, rebuy ? `c${line}` : `m${line}-${i}`));
        events.push(...order(shopper, `${shopper}-4`, 10, rebuy ? `c${line}` : `n${line}`));
      }
      for (let i = 0; i < 6; i++) events.push(...order(`o${line}-${i}`, `o${line}-${i}`, 60, `g${line}`, `n${line}`));
    }
    const ids = lines.flatMap((line) => [`c${line}`, `g${line}`, `n${line}`, ...Array.from({ length: 8 }, (_, i) => `m${line}-${i}`)]);
    return buildDataset(events, items(...ids));
  };

  it("brings the shopper's due repeats into Recommended for you where customers rebuy, and says how it did on any product", async () => {
    const quality = (await evaluateOnHistory(store(true), { k: 2, minCustomers: 5 }))!;
    expect(quality.choices.forYou.repeats).toBeGreaterThan(0);
    expect(quality.models["for-you"].all.recall).toBe(1);
    expect(quality.models["for-you"].all.recall).toBeGreaterThanOrEqual(quality.models["buy-again"].all.recall);
  });

  it("leaves repeats out where customers went on to buy what they had not", async () => {
    const quality = (await evaluateOnHistory(store(false), { k: 2, minCustomers: 5 }))!;
    expect(quality.choices.forYou.repeats).toBe(0);
  });
});

describe("evaluateOnHistory, the repeat ranker", () => {
  // Eight product lines of two consumables, each bought every 40 days by ten shoppers of the line:
  // `a` three times, lately (5 days before the last 30), and `b` twice, 40 days before them, due
  // by its interval. In the last 30 days they rebuy what they bought lately (a), or what is due
  // (b). Other shoppers bought b with n, so the blend too ranks b above a.
  const store = (next: "a" | "b", lineCount = 8) => {
    const lines = Array.from({ length: lineCount }, (_, line) => line);
    const events: EngineEvent[] = [];
    for (const line of lines) {
      for (let i = 0; i < 10; i++) {
        const shopper = `s${line}-${i}`;
        for (const days of [115, 75, 35]) events.push(...order(shopper, `${shopper}-a${days}`, days, `a${line}`));
        for (const days of [110, 70]) events.push(...order(shopper, `${shopper}-b${days}`, days, `b${line}`));
        events.push(...order(shopper, `${shopper}-next`, 20, `${next}${line}`));
      }
      for (let i = 0; i < 3; i++) events.push(...order(`o${line}-${i}`, `o${line}-${i}`, 100, `b${line}`, `n${line}`));
    }
    return buildDataset(events, items(...lines.flatMap((line) => [`a${line}`, `b${line}`, `n${line}`])), { now: NOW });
  };

  it("places the purchases the shop's customers rebuy first where they rebuy what they bought lately, not what is due", async () => {
    const quality = (await evaluateOnHistory(store("a"), { k: 1, minCustomers: 5 }))!;
    expect(quality.customers).toBe(80);
    expect(quality.choices.forYou.ranker?.features).toEqual([...RANKER_FEATURES]);
    expect(quality.choices.forYou.repeats).toBe(0);
    expect(servesRepeats(quality.choices)).toBe(true);
    // Judged on halves it was not fitted on: every customer's next purchase first.
    expect(quality.models["for-you"].all.recall).toBe(1);
  });

  it("keeps the blend alone where it already ranks first what customers rebuy (b, bought with n): the first of equals", async () => {
    const quality = (await evaluateOnHistory(store("b"), { k: 1, minCustomers: 5 }))!;
    expect(quality.choices.forYou.repeats).toBe(0);
    expect(quality.choices.forYou.ranker).toBeUndefined();
    expect(servesRepeats(quality.choices)).toBe(false);
    expect(quality.models["for-you"].all.recall).toBe(1);
  });

  it("leaves the ranker out of a check with fewer customers than it needs", async () => {
    const quality = (await evaluateOnHistory(store("a", 5), { k: 1, minCustomers: 5 }))!;
    expect(quality.customers).toBeLessThan(MIN_RANKER_CUSTOMERS);
    expect(quality.choices.forYou.ranker).toBeUndefined();
  });
});

describe("rankerExamplesBefore", () => {
  it("labels the candidates of the customers who bought before and in the period by what they bought in it, and nothing after", async () => {
    // s-shoppers: a 100 days ago, b in the period (60 to 30 days ago), c after it; t-shoppers
    // bought a and b together long ago; u-shoppers bought a and nothing in the period.
    const events: EngineEvent[] = [];
    for (let i = 0; i < 10; i++) {
      events.push(...order(`s${i}`, `s${i}-a`, 100, "a"), ...order(`s${i}`, `s${i}-b`, 45, "b"), ...order(`s${i}`, `s${i}-c`, 5, "c"));
      events.push(...order(`t${i}`, `t${i}`, 200, "a", "b"));
    }
    for (let i = 0; i < 5; i++) events.push(...order(`u${i}`, `u${i}`, 100, "a"));
    const dataset = buildDataset(events, items("a", "b", "c"));
    const day = 86_400_000;
    const blend = { easeWeight: 0.5, sessions: false, recency: true, trend: true, hybrid: 0 };
    const examples = await rankerExamplesBefore(dataset, blend, { start: NOW - 60 * day, end: NOW - 30 * day });
    expect(examples.customers).toBe(10);
    // Each customer's candidates: a (bought) and the blend's b and c; only b is labelled.
    for (const block of examples.blocks) {
      expect(block.labels.length).toBe(3);
      expect([...block.labels].reduce((sum, label) => sum + label, 0)).toBe(1);
      expect(block.weight).toBe(1);
    }
    // A shop whose history is shorter than the period before the split has no example to add.
    expect((await rankerExamplesBefore(dataset, blend, { start: NOW - 400 * day, end: NOW - 370 * day })).customers).toBe(0);
  });
});

describe("readStoreQuality", () => {
  const models: StoreQuality["models"] = {
    ease: { all: { ndcg: 0.2, recall: 0.3, precision: 0.1 }, new: { ndcg: 0.1, recall: 0.2, precision: 0.05 } },
  };
  const measured = { protocol: "time", cutoff: NOW - 30 * 86_400_000, k: 10, customers: 42, models } as const;

  it("reads a check saved with its choices as one object as it is", () => {
    const saved: StoreQuality = {
      ...measured,
      choices: { forYou: { easeWeight: 0.75, sessions: true, trend: true, hybrid: 1 / 3, repeats: 2 }, trending: { season: true } },
    };
    expect(readStoreQuality(JSON.parse(JSON.stringify(saved)))).toEqual(saved);
  });

  it("reads a check saved with flat choices into the same object, every field in its place", () => {
    const flat = { ...measured, forYouWeight: 0.25, forYouSessions: true, forYouTrend: true, forYouHybrid: 1 / 3, trendingSeason: false };
    expect(readStoreQuality(flat)).toEqual({
      ...measured,
      choices: { forYou: { easeWeight: 0.25, sessions: true, trend: true, hybrid: 1 / 3, repeats: 0 }, trending: { season: false } },
    });
  });

  it("reads a flat check from before the hybrid and the season joined it as no hybrid and an undecided season", () => {
    const flat = { ...measured, forYouWeight: 0.5, forYouSessions: false, forYouTrend: false };
    expect(readStoreQuality(flat)).toEqual({
      ...measured,
      choices: { forYou: { easeWeight: 0.5, sessions: false, trend: false, hybrid: 0, repeats: 0 }, trending: {} },
    });
  });

  it("reads a check saved as one object before repeats joined it as no repeats", () => {
    const saved = { ...measured, choices: { forYou: { easeWeight: 0.75, sessions: false, trend: true, hybrid: 0 }, trending: {} } };
    expect(readStoreQuality(saved)!.choices.forYou).toEqual({ easeWeight: 0.75, sessions: false, trend: true, hybrid: 0, repeats: 0 });
  });

  it("reads nothing from a version that saved no check", () => {
    expect(readStoreQuality(null)).toBeNull();
    expect(readStoreQuality({ ndcg: 0.1 })).toBeNull();
  });
});
