import fs from "node:fs";
import { parseArgs } from "node:util";
import { loadMovieLens100k, loadMovieLens100kSideInfo, type IndexedInteractions } from "../app/engine/eval/interactions";
import { userItems, type UserItems } from "../app/engine/eval/matrix";
import { evaluate, evaluateEach, ratingErrors, type RankingMetrics, type View } from "../app/engine/eval/metrics";
import {
  AlsScorer,
  BlendScorer,
  BuyAgainScorer,
  DueRepeatScorer,
  ContentScorer,
  EaseScorer,
  FitOnce,
  ItemKnnScorer,
  NcfScorer,
  PopularityScorer,
  RepeatRankerScorer,
  type RankerPeriod,
  RecentEaseScorer,
  SequentialScorer,
  SvdScorer,
  TrendingScorer,
  TrendScorer,
  TwoTowerScorer,
  type Scorer,
} from "../app/engine/eval/scorers";
import { TWO_TOWER_DEFAULTS, TWO_TOWER_EPOCH_GRID, type FeatureRows } from "../app/engine/models/two-tower";
import { ALS_ALPHA_GRID, ALS_DEFAULTS } from "../app/engine/models/als";
import { BUY_AGAIN_HALF_LIFE_DAYS, BUY_AGAIN_HALF_LIFE_GRID } from "../app/engine/models/buy-again";
import { CONTENT_NEIGHBOUR_GRID } from "../app/engine/models/content";
import { EASE_DEFAULTS, EASE_LAMBDA_GRID, SESSION_EASE, SESSION_EASE_GRID } from "../app/engine/models/ease";
import { NCF_EPOCH_GRID } from "../app/engine/benchmark-models/ncf";
import { POPULARITY_DEFAULTS, SEASON_SHARE_GRID } from "../app/engine/models/popularity";
import { SEQUENTIAL_EPOCH_GRID } from "../app/engine/benchmark-models/sequential";
import { SVD_REGULARISATION_GRID } from "../app/engine/benchmark-models/svd";
import { FOR_YOU_WEIGHTS, HYBRID_SHARES, REPEAT_WEIGHTS } from "../app/engine/eval/store-quality";
import { TREND_GRID, type TrendParams } from "../app/engine/trend";
import { useTfBackend } from "../app/engine/tf/backend";
import type { EngineItem } from "../app/engine/types";
import { parseColumnMap } from "../app/models/import/order-rows";
import { demoOrderHistory, loadOrderHistory } from "./order-history";
import { jsonOnStdout } from "./json-output";
import { randomSplit, stratifiedSplit, timeSplit, type Split } from "../app/engine/eval/split";
import { setting } from "../app/config/env.server";

// npm run bench:quality -- --dataset <ml-100k folder> | --orders <file or folder> [--map …] | --demo --protocol stratified-75-25|random-80-20|time [--cutoff …] [--end …] [--k 10] [--seed 42] [--models a,b] [--json]
const usage =
  'usage: npm run bench:quality -- (--dataset <ml-100k folder> | --orders <file.csv or folder> [--map "Src=dst,…"] | --demo) --protocol stratified-75-25|random-80-20|time [--cutoff 2011-08-01] [--end …] [--k 10] [--seed 42] [--models ease,trend-ease,…] [--json]';
const fail = (message: string): never => {
  console.error(`bench:quality: ${message}\n${usage}`);
  process.exit(1);
};
let values;
try {
  values = parseArgs({
    options: {
      dataset: { type: "string" },
      orders: { type: "string" },
      demo: { type: "boolean", default: false },
      map: { type: "string" },
      protocol: { type: "string", default: "stratified-75-25" },
      cutoff: { type: "string" },
      end: { type: "string" },
      k: { type: "string", default: "10" },
      seed: { type: "string", default: "42" },
      json: { type: "boolean", default: false },
      models: { type: "string" },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
values = values!;
const printJson = jsonOnStdout(values.json);
if ([values.dataset, values.orders, values.demo || undefined].filter(Boolean).length !== 1) {
  fail("give one of --dataset (MovieLens 100k), --orders (order files in the import format) or --demo (the generated demo store)");
}
const source = values.dataset ?? values.orders;
if (source && !fs.existsSync(source)) fail(`${values.dataset ? "--dataset" : "--orders"}: ${source} does not exist`);
if (values.protocol === "time" && !values.cutoff) fail("--protocol time needs --cutoff, e.g. --cutoff 2011-08-01");
const k = Number(values.k);
const seed = Number(values.seed);
if (!Number.isInteger(k) || k < 1) fail(`--k must be a positive whole number, got ${values.k}`);

let columnMap = new Map<string, string>();
try {
  columnMap = parseColumnMap(values.map);
} catch (error) {
  fail((error as Error).message);
}
const datasetName = values.dataset ? "MovieLens 100k" : values.demo ? "the demo store" : `orders from ${source}`;
let data: IndexedInteractions;
/** Content: the films' titles, genres and decades, or the products' titles and descriptions; users' own features where the data has them. */
let side: { items: EngineItem[]; userFeatures?: FeatureRows };
if (values.dataset) {
  data = loadMovieLens100k(values.dataset);
  side = loadMovieLens100kSideInfo(values.dataset, data);
} else {
  const orders = values.demo ? demoOrderHistory() : await loadOrderHistory(values.orders!, columnMap);
  data = orders;
  side = { items: orders.catalogue };
}
const tfBackend = await useTfBackend(setting("AFFINITY_TF_BACKEND"));
const date = (text: string | undefined, option: string) => {
  const time = Date.parse(text ?? "");
  if (Number.isNaN(time)) fail(`--${option} must be a date such as 1998-03-01, got ${text}`);
  return time;
};
const makeSplit = (among?: Int32Array, splitSeed = seed): Split => {
  switch (values.protocol) {
    case "stratified-75-25":
      return stratifiedSplit(data, 0.75, splitSeed, among);
    case "random-80-20":
      return randomSplit(data, 0.8, splitSeed, among);
    default:
      return fail(`unknown --protocol ${values.protocol}`);
  }
};
let split: Split;
let validation: Split;
const isTime = values.protocol === "time";
const cutoff = isTime ? date(values.cutoff, "cutoff") : 0;
if (isTime) {
  split = timeSplit(data, cutoff, values.end ? date(values.end, "end") : Infinity);
  // Validation: the same protocol inside the training data, cut at the last quarter of the
  // training period or its last 60 days, whichever is shorter.
  let start = Infinity;
  for (const position of split.train) start = Math.min(start, data.time[position]);
  const validationCutoff = cutoff - Math.min(60 * 86_400_000, (cutoff - start) / 4);
  validation = {
    train: split.train.filter((position) => data.time[position] < validationCutoff),
    test: split.train.filter((position) => data.time[position] >= validationCutoff),
  };
} else {
  split = makeSplit();
  validation = makeSplit(split.train, seed + 1);
}

// Training rows keep when each item was first taken (session EASE counts pairs by proximity).
const matrices = (parts: Split): [UserItems, UserItems] => [
  userItems(data.users.length, data.items.length, data.user, data.item, parts.train, data.time),
  userItems(data.users.length, data.items.length, data.user, data.item, parts.test),
];
const [train, test] = matrices(split);
const [validationTrain, validationTest] = matrices(validation);

/** Hyper-parameters chosen on the validation split (carved from training data only), then refitted on all of training. */
let validationCutoffTime = Infinity;
for (const position of validation.test) validationCutoffTime = Math.min(validationCutoffTime, data.time[position]);
/** A scorer fitted once per training matrix (validation's and all of training's), shared by the blends and weights tried. */
const shared = (make: () => Scorer) => {
  const fitted = { validation: new FitOnce(make()), training: new FitOnce(make()) };
  return (forValidation: boolean) => (forValidation ? fitted.validation : fitted.training);
};
const als = (alpha: number) =>
  new AlsScorer({ factors: ALS_DEFAULTS.factors, lambda: ALS_DEFAULTS.lambda, alpha, iterations: ALS_DEFAULTS.iterations });
const twoTower = (epochs: number) => new TwoTowerScorer(side, { epochs });
/** EASE as the blends use it: plain, or counting session proximity (SESSION_EASE); which one is chosen on validation with the weights. */
const plainEase = {
  validation: new EaseScorer({ lambda: EASE_DEFAULTS.lambda }),
  training: new EaseScorer({ lambda: EASE_DEFAULTS.lambda }),
};
const fittedOnce = (pair: { validation: Scorer; training: Scorer }) => {
  const fitted = { validation: new FitOnce(pair.validation), training: new FitOnce(pair.training) };
  return (forValidation: boolean) => (forValidation ? fitted.validation : fitted.training);
};
const easeVariants = [fittedOnce(plainEase), shared(() => new EaseScorer(SESSION_EASE))];
const sharedAls = shared(() => als(ALS_DEFAULTS.alpha));
const sharedTwoTower = shared(() => twoTower(TWO_TOWER_DEFAULTS.epochs));
/** Trend settings tried on the time split (TREND_GRID): off, then the default and two others. */
const TRENDS_ON = TREND_GRID.slice(1);
/**
 * A blend with EASE among its parts: its grid indexes every (EASE variant, weights, trend)
 * triple, so validation chooses all three. `parts` places EASE among the other parts; `trends`
 * are the trend settings tried (off only, unless given); `variants` the EASEs tried (plain and
 * session EASE, unless given).
 */
const easeBlend = (
  parts: (ease: Scorer, forValidation: boolean) => Scorer[],
  weightings: number[][],
  trends: TrendParams[] = TREND_GRID.slice(0, 1),
  variants = easeVariants,
) => {
  const size = weightings.length * trends.length;
  return {
    make: (index: number, forValidation: boolean) => {
      const ease = variants[Math.floor(index / size)](forValidation);
      const blend = new BlendScorer(parts(ease, forValidation), weightings[Math.floor(index / trends.length) % weightings.length]);
      return trends.length > 1 ? new TrendScorer(blend, salesFor(forValidation), trends[index % trends.length]) : blend;
    },
    grid: Array.from({ length: variants.length * size }, (_, index) => index),
  };
};
/** [weight, 1 − weight], rounded so that reports read 0.3, not 0.30000000000000004. */
const complement = (weight: number) => [weight, Math.round((1 - weight) * 1000) / 1000];
/**
 * Weights of EASE, ALS and the two-tower as "Recommended for you" can blend them: the hybrid's
 * share (HYBRID_SHARES), the rest split between EASE and ALS at a weight of FOR_YOU_WEIGHTS.
 */
const THREE_WAY = [0.25, 0.5, 0.75].map((weight) => {
  const share = HYBRID_SHARES[1];
  return [weight * (1 - share), (1 - weight) * (1 - share), share].map((w) => Math.round(w * 1000) / 1000);
});
/** Weights of buy-again, EASE and ALS tried on the time split. */
const TIME_THREE_WAY = [
  [0.8, 0.1, 0.1],
  [0.6, 0.2, 0.2],
  [0.4, 0.3, 0.3],
  [0.2, 0.4, 0.4],
];
/** Validation's training purchases or all of training's, seen from the end of them (buy-again, trend). */
const salesFor = (forValidation: boolean) => ({
  user: data.user,
  item: data.item,
  time: data.time,
  positions: forValidation ? validation.train : split.train,
  now: forValidation ? validationCutoffTime : cutoff,
});
/** "Recommended for you" as served also tries EASE weighed by recency (RECENT_EASE), from plain EASE's weights. */
const servedEaseVariants = [
  ...easeVariants,
  fittedOnce({
    validation: new RecentEaseScorer(plainEase.validation, salesFor(true)),
    training: new RecentEaseScorer(plainEase.training, salesFor(false)),
  }),
];
const trending = (forValidation: boolean, seasonShare: number) =>
  new TrendingScorer(
    salesFor(forValidation),
    { halfLifeDays: POPULARITY_DEFAULTS.halfLifeDays, seasonDays: POPULARITY_DEFAULTS.seasonDays, seasonShare },
    seasonShare ? "trending-season" : "trending",
  );
const buyAgainFor = (forValidation: boolean, halfLifeDays: number) => new BuyAgainScorer(salesFor(forValidation), { halfLifeDays });
/** `chooseBy`: the view whose validation NDCG chooses the setting for both views (each view chooses its own otherwise). */
const candidates: { family: string; make: (value: number, forValidation: boolean) => Scorer; grid: number[]; chooseBy?: View }[] = [
  { family: "popularity", make: () => new PopularityScorer(), grid: [0] },
  ...(isTime
    ? [
        {
          family: "buy-again",
          make: (days: number, forValidation: boolean) => buyAgainFor(forValidation, days),
          grid: BUY_AGAIN_HALF_LIFE_GRID,
        },
      ]
    : []),
  // "Trending" as the product computes it (30-day half-life): recent sales alone, and with the
  // same weeks last year at a share tuned on validation.
  ...(isTime
    ? [
        { family: "trending", make: (_: number, forValidation: boolean) => trending(forValidation, 0), grid: [0] },
        {
          family: "trending-season",
          make: (share: number, forValidation: boolean) => trending(forValidation, share),
          grid: SEASON_SHARE_GRID,
        },
      ]
    : []),
  { family: "item-knn", make: (neighbours) => new ItemKnnScorer({ neighbours }), grid: [50, 100, 200, 400, 800] },
  { family: "ease", make: (lambda) => new EaseScorer({ lambda }), grid: [...(isTime ? EASE_LAMBDA_GRID.time : EASE_LAMBDA_GRID.random)] },
  { family: "content", make: (neighbours) => new ContentScorer(side.items, { neighbours }), grid: CONTENT_NEIGHBOUR_GRID },
  // The hybrid two-tower network (TensorFlow.js), its training length tuned.
  { family: "two-tower", make: (epochs) => twoTower(epochs), grid: TWO_TOWER_EPOCH_GRID },
  // NeuMF and the GRU next-item model, benchmarked at one setting each (their training is the slowest).
  { family: "ncf", make: (epochs) => new NcfScorer({ epochs }), grid: NCF_EPOCH_GRID },
  {
    family: "gru",
    make: (epochs, forValidation) =>
      new SequentialScorer({ ...data, positions: forValidation ? validation.train : split.train }, { epochs }),
    grid: SEQUENTIAL_EPOCH_GRID,
  },
  // Implicit ALS (32 factors, λ 50), its confidence tuned.
  { family: "als", make: (alpha) => als(alpha), grid: ALS_ALPHA_GRID },
  // EASE counting session proximity: a pair of a user's items counts more the closer in time the
  // two were taken up (models/ease.ts), with DLAE's dropout regularisation.
  { family: "session-ease", make: (index) => new EaseScorer(SESSION_EASE_GRID[index]), grid: SESSION_EASE_GRID.map((_, index) => index) },
  // EASE times each product's trend (sales in the last weeks against the last months), on the
  // time split: EASE plain or by sitting and the trend setting chosen on validation.
  ...(isTime
    ? [
        {
          family: "trend-ease",
          make: (index: number, forValidation: boolean) =>
            new TrendScorer(
              easeVariants[Math.floor(index / TRENDS_ON.length)](forValidation),
              salesFor(forValidation),
              TRENDS_ON[index % TRENDS_ON.length],
              "trend-ease",
            ),
          grid: Array.from({ length: easeVariants.length * TRENDS_ON.length }, (_, index) => index),
        },
      ]
    : []),
  // The blends: each part fitted once per training matrix and shared by every weight tried.
  // What "Recommended for you" serves: EASE and ALS blended, times the trend where validation
  // chooses it (time split).
  {
    family: "blend(ease+als)",
    ...easeBlend(
      (ease, forValidation) => [ease, sharedAls(forValidation)],
      [0.3, 0.5, 0.7].map(complement),
      isTime ? TREND_GRID : undefined,
    ),
  },
  {
    family: "blend(ease+two-tower)",
    ...easeBlend((ease, forValidation) => [ease, sharedTwoTower(forValidation)], [0.5, 0.7, 0.9].map(complement)),
  },
  ...(!isTime
    ? [
        {
          family: "blend(ease+als+two-tower)",
          ...easeBlend((ease, forValidation) => [ease, sharedAls(forValidation), sharedTwoTower(forValidation)], THREE_WAY),
        },
      ]
    : []),
  // The time split's blends: the shopper's own purchases (90-day half-life) first.
  ...(isTime
    ? [
        {
          family: "blend(buy-again+ease)",
          ...easeBlend(
            (ease, forValidation) => [buyAgainFor(forValidation, BUY_AGAIN_HALF_LIFE_DAYS), ease],
            [0.2, 0.4, 0.6, 0.8].map(complement),
          ),
        },
        {
          family: "blend(buy-again+ease+als)",
          ...easeBlend(
            (ease, forValidation) => [buyAgainFor(forValidation, BUY_AGAIN_HALF_LIFE_DAYS), ease, sharedAls(forValidation)],
            TIME_THREE_WAY,
            TREND_GRID.slice(0, 2),
          ),
        },
        // "Recommended for you" as served where the shop's customers rebuy: the EASE + ALS blend
        // as the 30-day check chooses it (forYouBlend) beside the due repeats (the buy-again
        // model's repurchase-interval scores) at a weight of REPEAT_WEIGHTS or none, all chosen
        // on validation.
        { family: "for-you-repeats", ...servedForYou() },
        // The same with the learned repeat ranker (models/repeat-ranker.ts) placing the shopper's
        // purchases among the blend's candidates: its weights fitted on two periods of validation.
        { family: "for-you-ranker", ...repeatRanker(), chooseBy: "new" as View },
      ]
    : []),
];

/**
 * The EASE + ALS blend as the 30-day check chooses it for "Recommended for you" (eval/store-quality.ts):
 * plain, session or recent EASE, its weight among FOR_YOU_WEIGHTS, the trend off or at its
 * default (TREND_DEFAULTS).
 */
function forYouBlend() {
  return easeBlend(
    (ease, forValidation) => [ease, sharedAls(forValidation)],
    FOR_YOU_WEIGHTS.map(complement),
    TREND_GRID.slice(0, 2),
    servedEaseVariants,
  );
}
/** The served blend's grid (forYouBlend), each setting beside the due repeats at 0 or each of REPEAT_WEIGHTS. */
function servedForYou() {
  const personal = forYouBlend();
  const weights = [0, ...REPEAT_WEIGHTS];
  const repeats = {
    validation: new FitOnce(new DueRepeatScorer(salesFor(true))),
    training: new FitOnce(new DueRepeatScorer(salesFor(false))),
  };
  return {
    make: (index: number, forValidation: boolean) => {
      const weight = weights[index % weights.length];
      const blend = personal.make(Math.floor(index / weights.length), forValidation);
      return new BlendScorer([blend, forValidation ? repeats.validation : repeats.training], [1, weight], "for-you-repeats");
    },
    grid: Array.from({ length: personal.grid.length * weights.length }, (_, index) => index),
  };
}
/**
 * The repeat ranker over the served blend's setting (forYouBlend) that validation chooses on the
 * `new` view (as the 30-day check chooses the blend): on validation the blend alone, on training
 * the ranker's order, its weights fitted on the validation split's test period and the one
 * before it (rankerPeriods).
 */
function repeatRanker() {
  const personal = forYouBlend();
  return {
    make: (index: number, forValidation: boolean): Scorer =>
      forValidation
        ? personal.make(index, true)
        : new RepeatRankerScorer({
            blend: { validation: personal.make(index, true), training: personal.make(index, false) },
            periods: rankerPeriods(),
            training: salesFor(false),
          }),
    grid: personal.grid,
  };
}
/**
 * The periods the repeat ranker learns from: the validation split's test period and the one of
 * the same length before it (each blend refitted on what came before), so that its weights rest
 * on two periods' customers rather than one's.
 */
function rankerPeriods(): RankerPeriod[] {
  const earlierCutoff = validationCutoffTime - (cutoff - validationCutoffTime);
  const beforeValidation = split.train.filter((position) => data.time[position] < validationCutoffTime);
  const earlier = {
    train: beforeValidation.filter((position) => data.time[position] < earlierCutoff),
    test: beforeValidation.filter((position) => data.time[position] >= earlierCutoff),
  };
  const [earlierTrain, earlierTest] = matrices(earlier);
  return [
    { train: validationTrain, test: validationTest, purchases: salesFor(true) },
    { train: earlierTrain, test: earlierTest, purchases: { ...salesFor(true), positions: earlier.train, now: earlierCutoff } },
  ];
}
/** The time split counts both views; the others count new items only. */
const views: View[] = isTime ? ["all", "new"] : ["new"];
const evaluationOptions = (view: View) => ({ view, requireHistory: isTime });

interface Row extends RankingMetrics {
  /** Rating models only: errors of the predicted ratings on the held-out ratings. */
  rmse?: number;
  mae?: number;
  trainSeconds: number;
  params: Record<string, number>;
  validationNdcg: number;
}
const results: Record<string, Row & { view: View }> = {};
/** The baselines every run reports; `--models` adds to them (all families when left out). */
const BASELINES = ["popularity", "buy-again", "item-knn", "ease"];
const families = candidates.map((candidate) => candidate.family);
const chosen = values.models
  ?.split(",")
  .map((name) => name.trim())
  .filter(Boolean);
for (const name of chosen ?? [])
  if (!families.includes(name)) fail(`--models: no model family ${name}; the families are ${families.join(", ")}`);
for (const candidate of candidates.filter((c) => !chosen || BASELINES.includes(c.family) || chosen.includes(c.family))) {
  // Each setting is fitted once on the validation split and scored for every view; the best
  // setting per view is then refitted on all of training (once per distinct setting).
  const best = new Map<View, { value: number; ndcg: number }>(views.map((view) => [view, { value: candidate.grid[0], ndcg: -1 }]));
  if (candidate.grid.length > 1) {
    // Every setting ranks each user in one pass, so the parts blends share score the user once.
    const scorers = candidate.grid.map((value) => candidate.make(value, true));
    for (const scorer of scorers) scorer.fit(validationTrain);
    for (const view of views) {
      const score = (user: number, history: Int32Array, out: Float32Array[]) =>
        scorers.forEach((scorer, index) => scorer.score(user, history, out[index]));
      evaluateEach(scorers.length, score, validationTrain, validationTest, k, evaluationOptions(view)).forEach(({ ndcg }, index) => {
        if (ndcg > best.get(view)!.ndcg) best.set(view, { value: candidate.grid[index], ndcg });
      });
    }
    const by = candidate.chooseBy && best.get(candidate.chooseBy);
    if (by) for (const view of views) best.set(view, by);
  }
  for (const value of new Set([...best.values()].map((choice) => choice.value))) {
    const scorer = candidate.make(value, false);
    const started = performance.now();
    scorer.fit(train);
    const trainSeconds = (performance.now() - started) / 1000;
    for (const view of views.filter((v) => best.get(v)!.value === value)) {
      const metrics = evaluate(scorer, train, test, k, evaluationOptions(view));
      const name = isTime ? `${scorer.name}/${view}` : scorer.name;
      results[name] = { ...metrics, trainSeconds, params: scorer.params, validationNdcg: best.get(view)!.ndcg, view };
      if (!values.json)
        console.error(
          `[quality] ${name} ${JSON.stringify(scorer.params)}: NDCG@${k} ${metrics.ndcg.toFixed(3)}, recall ${metrics.recall.toFixed(3)}`,
        );
    }
  }
}
// Rating prediction, where the data has ratings (MovieLens): the baseline predictor and SVD, the
// regularisation chosen on validation by RMSE; their errors on the test ratings, and how they rank.
if (values.dataset) {
  const ratingsOf = (positions: Int32Array) => ({ user: data.user, item: data.item, rating: data.rating, positions });
  const errorsOn = (scorer: SvdScorer, positions: Int32Array) =>
    ratingErrors((u, i) => scorer.predict(u, i), data.user, data.item, data.rating, positions);
  let best = { regularisation: SVD_REGULARISATION_GRID[0], rmse: Infinity };
  for (const regularisation of SVD_REGULARISATION_GRID) {
    const scorer = new SvdScorer(ratingsOf(validation.train), { regularisation });
    scorer.fit(validationTrain);
    const { rmse } = errorsOn(scorer, validation.test);
    if (rmse < best.rmse) best = { regularisation, rmse };
  }
  for (const params of [{ factors: 0 }, { regularisation: best.regularisation }]) {
    const scorer = new SvdScorer(ratingsOf(split.train), params);
    const started = performance.now();
    scorer.fit(train);
    const trainSeconds = (performance.now() - started) / 1000;
    const metrics = evaluate(scorer, train, test, k, evaluationOptions("new"));
    results[scorer.name] = {
      ...metrics,
      ...errorsOn(scorer, split.test),
      trainSeconds,
      params: scorer.params,
      validationNdcg: 0,
      view: "new",
    };
    if (!values.json)
      console.error(
        `[quality] ${scorer.name} ${JSON.stringify(scorer.params)}: RMSE ${results[scorer.name].rmse!.toFixed(3)}, MAE ${results[scorer.name].mae!.toFixed(3)}, NDCG@${k} ${metrics.ndcg.toFixed(3)}`,
      );
  }
}
const bestName = Object.entries(results).sort((a, b) => b[1].ndcg - a[1].ndcg)[0][0];

const PUBLISHED = [
  ["BiVAE (published)", 0.475, 0.412, 0.219, 0.146],
  ["BPR, Cornac (published)", 0.442, 0.388, 0.213, 0.132],
  ["LightGCN (published)", 0.42, 0.38, 0.144, 0.089],
  ["NCF (published)", 0.396, 0.347, 0.181, 0.108],
  ["SAR (published)", 0.382, 0.331, 0.176, 0.111],
] as const;
/** Recommenders.jl README, ML-100k, global random 80/20 split, full ranking: NDCG@10 only. */
const PUBLISHED_RANDOM = [
  ["popularity (published)", 0.22],
  ["item-kNN (published)", 0.399],
  ["MF (published)", 0.44],
  ["BPR (published)", 0.408],
  ["SLIM (published)", 0.436],
] as const;

if (values.json) {
  const models = Object.fromEntries(
    Object.entries(results).map(([name, row]) => [
      name,
      {
        ndcg: row.ndcg,
        precision: row.precision,
        recall: row.recall,
        f1: row.f1,
        map: row.map,
        mapAll: row.mapAll,
        auc: row.auc,
        hitRate: row.hitRate,
        coverage: row.coverage,
        ...(row.rmse !== undefined ? { rmse: row.rmse, mae: row.mae } : {}),
        trainSeconds: row.trainSeconds,
        params: row.params,
        view: row.view,
      },
    ]),
  );
  printJson({
    protocol: values.protocol,
    k,
    dataset: values.dataset ? "ml-100k" : values.demo ? "demo" : source,
    seed,
    tfBackend,
    models,
    best: bestName,
  });
} else {
  const f = (value: number) => value.toFixed(3);
  console.log(
    `${datasetName}, protocol ${values.protocol}${isTime ? ` (cutoff ${values.cutoff})` : `, seed ${seed}`}, k=${k}: ${data.users.length} users, ${data.items.length} items; ${split.train.length} training and ${split.test.length} test interactions; TensorFlow.js on ${tfBackend}`,
  );
  const ratings = Object.values(results).some((row) => row.rmse !== undefined);
  console.log(
    `\n| model | NDCG@${k} | Precision@${k} | Recall@${k} | F1@${k} | MAP@${k} | MAP | AUC | hit rate | coverage |${ratings ? " RMSE | MAE |" : ""} train s | parameters (tuned on validation) |`,
  );
  console.log(`|---|---|---|---|---|---|---|---|---|---|${ratings ? "---|---|" : ""}---|---|`);
  const blanks = (count: number) => " |".repeat(count);
  for (const [name, row] of Object.entries(results)) {
    const errors = ratings ? (row.rmse !== undefined ? ` ${f(row.rmse)} | ${f(row.mae!)} |` : blanks(2)) : "";
    console.log(
      `| ${name}${name === bestName ? " (best)" : ""} | ${f(row.ndcg)} | ${f(row.precision)} | ${f(row.recall)} | ${f(row.f1)} | ${f(row.map)} | ${f(row.mapAll)} | ${f(row.auc)} | ${f(row.hitRate)} | ${f(row.coverage)} |${errors} ${row.trainSeconds.toFixed(2)} | ${JSON.stringify(row.params)} |`,
    );
  }
  const tail = blanks(ratings ? 8 : 6);
  if (values.dataset && values.protocol === "stratified-75-25" && k === 10) {
    for (const [name, ndcg, precision, recall, map] of PUBLISHED)
      console.log(`| ${name} | ${f(ndcg)} | ${f(precision)} | ${f(recall)} | | | ${f(map)} |${tail}`);
  }
  if (values.dataset && values.protocol === "random-80-20" && k === 10) {
    for (const [name, ndcg] of PUBLISHED_RANDOM) console.log(`| ${name} | ${f(ndcg)} | | | | | |${tail}`);
  }
  if (ratings) console.log("| SVD, Surprise (published, 5-fold cross-validation) | | | | | | | | | | 0.934 | 0.737 | | |");
}
