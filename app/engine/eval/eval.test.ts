import { describe, expect, it } from "vitest";
import { indexInteractions } from "./interactions";
import { gram, invertSpd, userItems } from "./matrix";
import { evaluate, evaluateEach, rankTop, ratingErrors, userAuc, userMetrics } from "./metrics";
import { BlendScorer, BuyAgainScorer, EaseScorer, FitOnce, ItemKnnScorer, PopularityScorer } from "./scorers";
import { randomSplit, seededRandom, stratifiedSplit, timeSplit } from "./split";
import { easeWeights } from "../linalg";

describe("evaluation metrics", () => {
  it("computes precision, recall, F1, NDCG and AP at k by hand", () => {
    // Ranked [a, b, c, d]; relevant {a, c, e}; k = 4.
    const metrics = userMetrics([0, 1, 2, 3], new Set([0, 2, 4]), 4);
    expect(metrics.precision).toBeCloseTo(2 / 4);
    expect(metrics.recall).toBeCloseTo(2 / 3);
    // F1 = 2 · (1/2) · (2/3) / (1/2 + 2/3) = 4/7.
    expect(metrics.f1).toBeCloseTo(4 / 7);
    const dcg = 1 / Math.log2(2) + 1 / Math.log2(4);
    const idcg = 1 / Math.log2(2) + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(metrics.ndcg).toBeCloseTo(dcg / idcg);
    expect(metrics.map).toBeCloseTo((1 / 1 + 2 / 3) / 3);
    expect(metrics.mapAll).toBeCloseTo((1 / 1 + 2 / 3) / 3);
    expect(userMetrics([1, 3], new Set([0]), 2)).toMatchObject({ precision: 0, f1: 0, ndcg: 0, hit: 0 });
  });

  it("computes RMSE and MAE of predicted ratings by hand", () => {
    // Errors +1, −2 and 0 on the chosen positions 0, 2 and 3 (position 1 is not held out).
    const predicted = [
      [4, 0, 0],
      [0, 0, 1],
    ];
    const errors = ratingErrors((u, i) => predicted[u][i], [0, 0, 1, 1], [0, 1, 2, 1], [3, 5, 3, 0], [0, 2, 3]);
    expect(errors.rmse).toBeCloseTo(Math.sqrt((1 + 4 + 0) / 3));
    expect(errors.mae).toBeCloseTo(1);
  });

  it("computes AUC from ranks, with ties counted half and skipped items left out", () => {
    const scores = Float32Array.from([0.9, 0.1, 0.5, 0.5, 0.0]);
    const order = new Int32Array(5);
    // Relevant {0, 3}; others {1, 2, 4}: pairs won: 0 beats all 3; 3 beats 1 and 4, ties with 2 → 5.5 of 6.
    expect(userAuc(scores, new Set([0, 3]), new Uint8Array(5), order)).toBeCloseTo(5.5 / 6);
    // Skipping item 2 leaves 0 and 3 above both others.
    expect(userAuc(scores, new Set([0, 3]), Uint8Array.from([0, 0, 1, 0, 0]), order)).toBe(1);
  });

  it("ranks the best k, skipping excluded items, ties to the lower index, negatives included", () => {
    const scores = Float32Array.from([0.5, -1, 2, 2, 0.1]);
    expect([...rankTop(scores, 3, Uint8Array.from([0, 0, 0, 1, 0]))]).toEqual([2, 0, 4]);
    expect([...rankTop(scores, 5, new Uint8Array(5))]).toEqual([2, 3, 0, 4, 1]);
  });
});

describe("splits", () => {
  const rows = Array.from({ length: 400 }, (_, i) => ({ user: `u${i % 10}`, item: `i${i % 37}`, time: i * 1000 }));
  const data = indexInteractions(rows);

  it("stratified: each user keeps round(75%) of their interactions in training, the same for the same seed", () => {
    const split = stratifiedSplit(data, 0.75, 7);
    const perUser = new Map<number, number>();
    for (const position of split.train) perUser.set(data.user[position], (perUser.get(data.user[position]) ?? 0) + 1);
    expect([...perUser.values()]).toEqual(Array(10).fill(30));
    expect(split.test.length).toBe(100);
    expect([...stratifiedSplit(data, 0.75, 7).test]).toEqual([...split.test]);
    expect([...stratifiedSplit(data, 0.75, 8).test]).not.toEqual([...split.test]);
  });

  it("random and time splits partition the interactions", () => {
    const random = randomSplit(data, 0.8, 1);
    expect(random.train.length).toBe(320);
    expect(new Set([...random.train, ...random.test]).size).toBe(400);
    const time = timeSplit(data, 300_000, 350_000);
    expect(time.train.length).toBe(300);
    expect(time.test.length).toBe(50);
  });
});

describe("matrix models", () => {
  it("inverts a symmetric positive definite matrix", () => {
    const a = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
    const inverse = invertSpd(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        for (let k = 0; k < 3; k++) sum += a[i * 3 + k] * inverse[k * 3 + j];
        expect(sum).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });

  it("keeps each user's earliest time per item and counts pairs by session proximity", () => {
    // u0 took A at 0, B at 15 minutes, C at 0 and A again later; u1 took A and C a day apart.
    const minute = 60_000;
    const data = indexInteractions([
      { user: "u0", item: "A", time: 0 },
      { user: "u0", item: "B", time: 15 * minute },
      { user: "u0", item: "C", time: 0 },
      { user: "u0", item: "A", time: 99 * minute },
      { user: "u1", item: "C", time: 1440 * minute },
      { user: "u1", item: "A", time: 0 },
    ]);
    const matrix = userItems(2, 3, data.user, data.item, Int32Array.from(data.user.keys()), data.time);
    expect([...matrix.cols]).toEqual([0, 1, 2, 0, 2]);
    expect([...matrix.times!]).toEqual([0, 15 * minute, 0, 0, 1440 * minute]);
    const g = gram(matrix, { minutes: 15, floor: 0.2 });
    const [A, B, C] = [0, 1, 2];
    expect(g[A * 3 + A]).toBe(2);
    expect(g[A * 3 + B]).toBeCloseTo(0.2 + 0.8 * Math.exp(-1), 12);
    expect(g[B * 3 + A]).toBe(g[A * 3 + B]);
    // Same time for u0 (1), a day apart for u1 (0.2 + 0.8·e^−96).
    expect(g[A * 3 + C]).toBeCloseTo(1 + 0.2 + 0.8 * Math.exp(-96), 12);
    expect(gram(matrix)[A * 3 + C]).toBe(2);
    expect(() => gram(userItems(2, 3, data.user, data.item, Int32Array.from(data.user.keys())), { minutes: 15, floor: 0.2 })).toThrow(
      /needs the rows' times/,
    );
  });

  it("regularises EASE by dropout as DLAE does: two items by hand", () => {
    // Gram [[a, c], [c, b]]: B[0][1] = c / (a + λ + p/(1 − p)·a).
    const [a, b, c, lambda, dropout] = [6, 4, 3, 2, 0.25];
    const weights = easeWeights(Float64Array.from([a, c, c, b]), 2, lambda, dropout);
    expect(weights[1]).toBeCloseTo(c / (a + lambda + (dropout / (1 - dropout)) * a), 6);
    expect(weights[2]).toBeCloseTo(c / (b + lambda + (dropout / (1 - dropout)) * b), 6);
    expect(weights[0]).toBe(0);
    expect(easeWeights(Float64Array.from([a, c, c, b]), 2, lambda)[1]).toBeCloseTo(c / (a + lambda), 6);
    expect(() => easeWeights(Float64Array.from([a, c, c, b]), 2, lambda, 1)).toThrow(/dropout/);
  });

  it("EASE and item-kNN recommend the item that goes with what a user has; popularity does not", () => {
    // Items 0 and 1 always go together; item 2 is the most popular on its own.
    const rows: { user: string; item: string; time: number }[] = [];
    for (let u = 0; u < 30; u++) {
      if (u < 12) rows.push({ user: `u${u}`, item: "A", time: 0 }, { user: `u${u}`, item: "B", time: 1 });
      rows.push({ user: `u${u}`, item: "C", time: 2 });
    }
    rows.push({ user: "new", item: "A", time: 3 }, { user: "new", item: "B", time: 4 });
    const data = indexInteractions(rows);
    const all = Int32Array.from(data.user.keys());
    const newUser = data.users.indexOf("new");
    const holdOut = all.filter((position) => !(data.user[position] === newUser && data.items[data.item[position]] === "B"));
    const train = userItems(data.users.length, data.items.length, data.user, data.item, holdOut);
    const test = userItems(
      data.users.length,
      data.items.length,
      data.user,
      data.item,
      all.filter((position) => !holdOut.includes(position)),
    );
    expect(gram(train)[0]).toBe(13);
    const hit = (scorer: EaseScorer | ItemKnnScorer | PopularityScorer) => {
      scorer.fit(train);
      return evaluate(scorer, train, test, 1).hitRate;
    };
    expect(hit(new EaseScorer({ lambda: 1 }))).toBe(1);
    expect(hit(new ItemKnnScorer({ neighbours: 2 }))).toBe(1);
    expect(hit(new PopularityScorer())).toBe(0);
  });

  it("counts repeat purchases in the time split's all view and only new items in its new view", () => {
    // u1 bought A before the cut-off and A and B after; u2 has no training history.
    const data = indexInteractions([
      { user: "u1", item: "A", time: 1 },
      { user: "u1", item: "A", time: 10 },
      { user: "u1", item: "B", time: 11 },
      { user: "u2", item: "B", time: 12 },
    ]);
    const split = timeSplit(data, 5);
    const train = userItems(2, 2, data.user, data.item, split.train);
    const test = userItems(2, 2, data.user, data.item, split.test);
    const buyAgain = new BuyAgainScorer({ user: data.user, item: data.item, time: data.time, positions: split.train, now: 5 });
    buyAgain.fit(train);
    // All: A (bought again) is ranked first and counts; B is the only new item and is found once A is left out.
    expect(evaluate(buyAgain, train, test, 1, { view: "all", requireHistory: true })).toMatchObject({
      users: 1,
      precision: 1,
      recall: 0.5,
    });
    expect(evaluate(buyAgain, train, test, 1, { view: "new", requireHistory: true })).toMatchObject({ users: 1, precision: 1, recall: 1 });
    expect(evaluate(buyAgain, train, test, 1, { view: "all" }).users).toBe(2);
  });

  it("blends two scorers by weight after scaling each to 1, and fits a shared part once", () => {
    const data = indexInteractions([
      { user: "u", item: "A", time: 1 },
      { user: "v", item: "B", time: 1 },
      { user: "w", item: "B", time: 1 },
    ]);
    const train = userItems(3, 2, data.user, data.item, Int32Array.from([0, 1, 2]));
    let fits = 0;
    const counting = new PopularityScorer();
    const fit = counting.fit.bind(counting);
    counting.fit = (matrix) => (fits++, fit(matrix));
    let scored = 0;
    const score = counting.score.bind(counting);
    counting.score = (user, history, out) => (scored++, score(user, history, out));
    const shared = new FitOnce(counting);
    const buyAgain = new BuyAgainScorer({
      user: data.user,
      item: data.item,
      time: data.time,
      positions: Int32Array.from([0, 1, 2]),
      now: 1,
    });
    const out = new Float32Array(2);
    const history = Int32Array.from([0]);
    for (const weight of [0, 1]) {
      const blend = new BlendScorer([buyAgain, shared], [weight, 1 - weight]);
      blend.fit(train);
      blend.score(0, history, out);
      // Weight 1: u's own item A first; weight 0: popularity, where B leads.
      expect(out[0] > out[1]).toBe(weight === 1);
    }
    expect(fits).toBe(1);
    // Both blends asked for the same user and history in turn: the shared part scored once.
    expect(scored).toBe(1);
    const again = new Float32Array(2);
    shared.score(0, Int32Array.from([0]), again);
    expect(scored).toBe(2);
    expect(Array.from(again)).toEqual([1, 2]);
  });

  it("evaluates several rankings in one pass exactly as one at a time", () => {
    const random = seededRandom(11);
    const rows = Array.from({ length: 600 }, (_, n) => ({ user: `u${n % 40}`, item: `i${Math.floor(25 * random() ** 2)}`, time: n }));
    const data = indexInteractions(rows);
    const split = stratifiedSplit(data, 0.75, 3);
    const train = userItems(data.users.length, data.items.length, data.user, data.item, split.train);
    const test = userItems(data.users.length, data.items.length, data.user, data.item, split.test);
    const scorers = [new PopularityScorer(), new EaseScorer({ lambda: 10 }), new ItemKnnScorer({ neighbours: 5 })];
    for (const scorer of scorers) scorer.fit(train);
    for (const view of ["all", "new"] as const) {
      const together = evaluateEach(
        scorers.length,
        (user, history, out) => scorers.forEach((scorer, index) => scorer.score(user, history, out[index])),
        train,
        test,
        5,
        { view },
      );
      expect(together).toEqual(scorers.map((scorer) => evaluate(scorer, train, test, 5, { view })));
      expect(new Set(together.map((metrics) => metrics.ndcg)).size).toBeGreaterThan(1);
    }
  });
});
