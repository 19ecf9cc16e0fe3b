import type { Dataset } from "../dataset";
import { BUY_AGAIN_HALF_LIFE_DAYS } from "../models/buy-again";
import { EASE_DEFAULTS, SESSION_EASE } from "../models/ease";
import { MIN_SEASON_SALES, POPULARITY_DEFAULTS, SEASON_SHARE, seasonWindow } from "../models/popularity";
import { applyTrend, itemTrend } from "../trend";
import { userItems } from "./matrix";
import { evaluateEach, type View } from "./metrics";
import { fitAlsParallel, scoreAll, type AlsFactors } from "../models/als";
import { blendScaledRows } from "../blend";
import {
  BuyAgainScorer,
  DueRepeatScorer,
  EaseScorer,
  PopularityScorer,
  RecentEaseScorer,
  rankerExamples,
  rankRow,
  TrendingScorer,
  TwoTowerScorer,
  type Purchases,
  type Scorer,
} from "./scorers";
import type { UserItems } from "./matrix";
import {
  datasetPurchases,
  fitRanker,
  RANKER_FEATURES,
  RankerExamples,
  rankerFits,
  RepeatFeatures,
  type RankerWeights,
} from "../models/repeat-ranker";

/** How the shop's own models do on its own history, as the admin shows it after each training. */
export interface StoreQuality {
  protocol: "time";
  /** Trained on purchases before this time (ms), tested on the purchases after it. */
  cutoff: number;
  k: number;
  /** Customers who bought in both periods. */
  customers: number;
  models: Record<string, Record<View, { ndcg: number; recall: number; precision: number }>>;
  /** What the check chose for serving; training fits and precomputes the lists by it. */
  choices: ServingChoices;
}

/** How "Recommended for you" and "Trending" serve a shop, as its 30-day check chose. */
export interface ServingChoices {
  /**
   * The blend of "Recommended for you", its choices made together among FOR_YOU_WEIGHTS, the
   * three EASEs (plain, session and recent), HYBRID_SHARES and the trend on or off, by NDCG on the
   * `new` view of this split; the `for-you` entry of `models` is that blend.
   */
  forYou: {
    /** The weight on EASE (the rest on ALS, besides the hybrid's share). */
    easeWeight: number;
    /** Whether its EASE counts session proximity (SESSION_EASE). */
    sessions: boolean;
    /**
     * Whether its EASE weighs each of the shopper's products by how lately they bought it
     * (RECENT_EASE); absent from checks made before it joined them (plain or session EASE served).
     */
    recency?: boolean;
    /**
     * Whether the blend is multiplied by each product's trend (app/engine/trend.ts, TREND_DEFAULTS):
     * the products selling faster lately than over the last months lead.
     */
    trend: boolean;
    /**
     * The share of the blend given to the two-tower hybrid (HybridModel); 0 where the shop is too
     * large for it (MAX_HYBRID_CELLS), and in checks made before the hybrid joined them.
     */
    hybrid: number;
    /**
     * The weight of the shopper's due repeat purchases (the buy-again model's scores, each part
     * scaled to a maximum of 1) beside the blend, chosen among REPEAT_WEIGHTS by NDCG on the `all`
     * view, where a repeat purchase counts; 0 where the repeat ranker serves instead (`ranker`),
     * where bringing repeats back did not do better, and in checks made before repeats joined
     * them: "Recommended for you" then leaves out what the shopper bought unless the ranker serves.
     */
    repeats: number;
    /**
     * Where the check found that a learned ranker places the shopper's purchases among the blend's
     * candidates better than the due repeats at any weight (models/repeat-ranker.ts): its weights,
     * fitted on what the shop's customers bought in the check's last 30 days. Absent otherwise,
     * and in checks made before the ranker joined them.
     */
    ranker?: RankerWeights;
  };
  trending: {
    /**
     * Whether "Trending" reads last year's season (PopularityModel at SEASON_SHARE): chosen by NDCG
     * on the `new` view of this split between Trending with it (`trending-season`) and without
     * (`trending`), without where they tie. Absent where the check cannot tell (under
     * MIN_SEASON_SALES in the weeks a year before the split, or neither reached anyone) and from
     * checks made before it joined them; training reads the season only where this is true.
     */
    season?: boolean;
  };
}

/** Whether "Recommended for you" brings back what the shopper bought (due repeats at a weight, or the learned ranker). */
export function servesRepeats(choices: ServingChoices): boolean {
  return choices.forYou.repeats > 0 || rankerFits(choices.forYou.ranker);
}

export const FOR_YOU_WEIGHTS = [0, 0.25, 0.5, 0.75, 1];
/** The weight when the shop's history cannot choose one (the harness's choice on MovieLens 100k). */
const DEFAULT_FOR_YOU_WEIGHT = 0.5;
/** What serves where the check cannot choose (too few customers, or no EASE to weigh): the default weight, nothing else. */
export const DEFAULT_CHOICES: ServingChoices = {
  forYou: { easeWeight: DEFAULT_FOR_YOU_WEIGHT, sessions: false, recency: false, trend: false, hybrid: 0, repeats: 0 },
  trending: {},
};

/** The choices as checks saved them before they were one object: flat fields beside `models`. */
interface FlatChoices {
  forYouWeight?: number;
  forYouSessions?: boolean;
  forYouTrend?: boolean;
  /** Absent from checks made before the hybrid joined them. */
  forYouHybrid?: number;
  trendingSeason?: boolean;
}

/**
 * A check as a model version saved it (ModelVersion.metrics), or null where the version holds
 * none. Checks saved before the choices were one object kept them flat (forYouWeight,
 * forYouSessions, forYouTrend, forYouHybrid, trendingSeason): they are read into `choices`, a
 * missing hybrid share as 0 and a missing season as undecided, as training read them.
 */
export function readStoreQuality(stored: unknown): StoreQuality | null {
  if (!stored || typeof stored !== "object" || !("models" in stored)) return null;
  const saved = stored as StoreQuality & FlatChoices;
  if (saved.choices)
    return { ...saved, choices: { ...saved.choices, forYou: { ...saved.choices.forYou, repeats: saved.choices.forYou.repeats ?? 0 } } };
  const { forYouWeight, forYouSessions, forYouTrend, forYouHybrid, trendingSeason, ...quality } = saved;
  return {
    ...quality,
    choices: {
      forYou: {
        easeWeight: forYouWeight ?? DEFAULT_CHOICES.forYou.easeWeight,
        sessions: forYouSessions ?? false,
        trend: forYouTrend ?? false,
        hybrid: forYouHybrid ?? 0,
        repeats: 0,
      },
      trending: trendingSeason === undefined ? {} : { season: trendingSeason },
    },
  };
}

/** EASE's dense inverse is items³: above this many products (the most EASE models) the report leaves it out. */
const MAX_EASE_ITEMS = EASE_DEFAULTS.maxItems;
/**
 * The two-tower hybrid's training grows with shoppers × products (a softmax over the catalogue
 * for each shopper): about 14 s for 5,000 shoppers × 1,250 products. Above this many shopper ×
 * product cells it is neither checked nor served.
 */
export const MAX_HYBRID_CELLS = 10_000_000;
/**
 * The hybrid's shares of the blend tried; the rest is EASE and ALS at their weight. A third is
 * where the three models blend evenly, the best blend on MovieLens 100k.
 */
export const HYBRID_SHARES = [0, 1 / 3];
/** The weights of the due repeats beside the blend tried (each scaled to a maximum of 1): from a nudge to repeats first. */
export const REPEAT_WEIGHTS = [0.25, 0.5, 1, 2, 4];

/**
 * The evaluation harness's time protocol on a shop's purchases: train before the last
 * `holdoutDays`, test on what each customer bought after, in both views (`all`: a repeat purchase
 * counts; `new`: only products new to the customer). "Recommended for you" blends EASE, ALS and,
 * in a small shop, the two-tower hybrid; this split is where their weights are chosen, whether
 * EASE counts pairs by sitting (session EASE) or weighs the shopper's recent purchases above old
 * ones (recent EASE), and whether the blend favours products on the rise (trend). It is the shop's validation split: the models that serve are refitted on all of
 * the history. Popularity and buy-again are the baselines the blend must beat. Null when too few
 * customers bought in both periods to say anything.
 */
export async function evaluateOnHistory(
  dataset: Dataset,
  options: { k?: number; holdoutDays?: number; minCustomers?: number; maxHybridCells?: number } = {},
): Promise<StoreQuality | null> {
  const k = options.k ?? 10;
  const holdoutMs = (options.holdoutDays ?? 30) * 86_400_000;
  const cutoff = dataset.now - holdoutMs;
  const { user, item, time, train, trainMatrix, testMatrix } = splitPurchases(dataset, cutoff);
  const users = dataset.userIds.length;
  const items = dataset.items.length;
  // Without EASE there is no weight to choose, and ALS is not fitted twice.
  const plain = new EaseScorer({ lambda: EASE_DEFAULTS.lambda });
  const purchases = { user, item, time, positions: train, now: cutoff };
  // Recent EASE reads plain EASE's weights: one inverse for both.
  const eases = items <= MAX_EASE_ITEMS ? [plain, new EaseScorer(SESSION_EASE), new RecentEaseScorer(plain, purchases)] : [];
  const als = eases.length
    ? new FactorsScorer(await fitAlsParallel({ rows: users, columns: items, rowStart: trainMatrix.rowStart, cols: trainMatrix.cols }))
    : null;
  const shoppers = countShoppers(dataset);
  const hybrid =
    eases.length && shoppers * items <= (options.maxHybridCells ?? MAX_HYBRID_CELLS) ? new TwoTowerScorer({ items: dataset.items }) : null;
  const { trending, seasonal } = trendingScorers(dataset, cutoff);
  const scorers: Scorer[] = [
    new PopularityScorer(),
    new BuyAgainScorer(purchases, { halfLifeDays: BUY_AGAIN_HALF_LIFE_DAYS }),
    ...trending,
    ...eases,
    ...(als ? [als] : []),
    ...(hybrid ? [hybrid] : []),
  ];
  for (const scorer of scorers) scorer.fit(trainMatrix);
  // One pass per view: each model scores a customer once, and the blends (one per EASE, weight,
  // share of the hybrid and trend tried) are made from those rows of scores.
  const blends = eases.flatMap((ease) =>
    FOR_YOU_WEIGHTS.flatMap((easeWeight) =>
      (hybrid ? HYBRID_SHARES : [0]).flatMap((hybridShare) =>
        [false, true].map((trend) => ({
          easeRow: scorers.indexOf(ease),
          easeWeight,
          sessions: ease.name === "session-ease",
          recency: ease.name === "recent-ease",
          hybrid: hybridShare,
          trend,
        })),
      ),
    ),
  );
  const alsRow = als ? scorers.indexOf(als) : -1;
  const hybridRow = hybrid ? scorers.indexOf(hybrid) : -1;
  // Read only where there are blends to multiply by it.
  const trend = blends.length ? itemTrend(items, { item, time, positions: train }, cutoff) : new Float32Array(0);
  const blendRow = (row: Float32Array, out: Float32Array[], blend: CheckedBlend) =>
    blendParts(row, [out[blend.easeRow], out[alsRow], out[hybridRow]], blend, trend);
  const score = (u: number, history: Int32Array, out: Float32Array[]) => {
    scorers.forEach((scorer, index) => scorer.score(u, history, out[index]));
    blends.forEach((blend, index) => blendRow(out[scorers.length + index], out, blend));
  };
  const evaluation = { requireHistory: true, auc: false };
  const [all, fresh] = (["all", "new"] as const).map((view) =>
    evaluateEach(scorers.length + blends.length, score, trainMatrix, testMatrix, k, { ...evaluation, view }),
  );
  const customers = all[0].users;
  if (customers < (options.minCustomers ?? 20)) return null;
  const { models, choices } = chooseForYou(scorers, blends, { all, fresh }, seasonal);
  const chosen = blends.find((blend) => sameBlend(blend, choices.forYou));
  if (chosen) {
    const parts = [chosen.easeRow, alsRow, ...(chosen.hybrid ? [hybridRow] : [])];
    // The ranker also learns from the period of the same length before the split.
    const earlier = () => rankerExamplesBefore(dataset, chosen, { start: cutoff - holdoutMs, end: cutoff });
    const served = await chooseRepeats({ scorers, parts, chosen, blendRow, purchases, trainMatrix, testMatrix, k, earlier });
    choices.forYou.repeats = served.weight;
    if (served.ranker) choices.forYou.ranker = served.ranker;
    if (served.weight || served.ranker) models["for-you"] = { ...models["for-you"], all: served.all };
  }
  return { protocol: "time", cutoff, k, customers, models, choices };
}

type CheckedBlend = Omit<ServingChoices["forYou"], "repeats"> & { easeRow: number };

/** A blend's row from its parts' rows (EASE, ALS and the hybrid, read where it has a share), times the trend where it follows it. */
function blendParts(row: Float32Array, [ease, als, hybrid]: Float32Array[], blend: Blend, trend: Float32Array) {
  const { easeWeight: weight, hybrid: share } = blend;
  if (share) blendScaledRows(row, [ease, als, hybrid], [weight * (1 - share), (1 - weight) * (1 - share), share]);
  else blendScaledRows(row, [ease, als], [weight, 1 - weight]);
  if (blend.trend) applyTrend(row, trend);
}
const sameBlend = (a: CheckedBlend, b: Blend) =>
  a.easeWeight === b.easeWeight && a.sessions === b.sessions && !!a.recency === !!b.recency && a.trend === b.trend && a.hybrid === b.hybrid;

/** Customers the check needs before it fits the repeat ranker (half of them judge the weights fitted on the other half). */
export const MIN_RANKER_CUSTOMERS = 60;

/**
 * How "Recommended for you" serves what the shopper bought, judged on the `all` view (a repeat
 * purchase counts) by NDCG: the chosen blend alone; beside the due repeats at each of
 * REPEAT_WEIGHTS; or reordered by the learned repeat ranker (models/repeat-ranker.ts). The ranker
 * learns from this split's own test purchases (and the period before the split's), so it is
 * judged by cross-fitting: the customers are split in two, and each half is ranked with weights
 * fitted on the other. The weights served are fitted on all of them. The first of equals wins (the blend alone first, the ranker last).
 * Neither way moves the `new` view, which leaves out what the customer bought: the repeats' scores
 * are 0 off it, and the ranker keeps the blend's order among new products.
 */
async function chooseRepeats(check: {
  scorers: Scorer[];
  /** The rows of `scorers` the chosen blend reads (EASE, ALS and, where it has a share, the hybrid). */
  parts: number[];
  chosen: CheckedBlend;
  blendRow: (row: Float32Array, out: Float32Array[], blend: CheckedBlend) => void;
  purchases: Purchases;
  trainMatrix: UserItems;
  testMatrix: UserItems;
  k: number;
  /** The ranker's examples from the period before the split, asked for only where there are customers enough to fit it. */
  earlier: () => Promise<RankerExamples>;
}) {
  const { scorers, parts, chosen, blendRow, purchases, trainMatrix, testMatrix } = check;
  const buffers = scorers.map(() => new Float32Array(trainMatrix.items));
  const blend: Scorer = {
    name: "for-you",
    params: {},
    fit() {},
    score(user, history, out) {
      for (const index of parts) scorers[index].score(user, history, buffers[index]);
      blendRow(out, buffers, chosen);
    },
  };
  const repeats = new DueRepeatScorer(purchases);
  repeats.fit(trainMatrix);
  const ranker = await crossFittedRanker(blend, purchases, trainMatrix, testMatrix, check.earlier);
  const score = (u: number, history: Int32Array, out: Float32Array[]) => {
    blend.score(u, history, out[0]);
    repeats.score(u, history, out[1]);
    REPEAT_WEIGHTS.forEach((weight, index) => blendScaledRows(out[2 + index], [out[0], out[1]], [1, weight]));
    if (ranker) {
      const ranked = out[2 + REPEAT_WEIGHTS.length];
      ranked.set(out[0]);
      rankRow(ranker.folds[1 - (u % 2)], ranker.features, u, ranked);
    }
  };
  const rows = 2 + REPEAT_WEIGHTS.length + (ranker ? 1 : 0);
  const results = evaluateEach(rows, score, trainMatrix, testMatrix, check.k, { requireHistory: true, auc: false, view: "all" });
  // The candidates: the blend alone, each weight of the repeats, then the ranker.
  const ways = [0, ...REPEAT_WEIGHTS.map((_, index) => 2 + index), ...(ranker ? [rows - 1] : [])];
  const best = ways.reduce((a, b) => (results[b].ndcg > results[a].ndcg ? b : a));
  const { ndcg, recall, precision } = results[best];
  return {
    weight: best >= 2 && best < 2 + REPEAT_WEIGHTS.length ? REPEAT_WEIGHTS[best - 2] : 0,
    ranker: ranker && best === rows - 1 ? ranker.served : undefined,
    all: { ndcg, recall, precision },
  };
}

/**
 * The repeat ranker's weights fitted on each half of the customers (by the parity of their
 * index) and on all of them, with the features at the check's cut-off, each with the examples of
 * the period before the split besides (`earlier`, which holds none of the split's test purchases:
 * the half a fold judges stays unseen); null where too few customers bought in both periods of
 * the split.
 */
async function crossFittedRanker(
  blend: Scorer,
  purchases: Purchases,
  trainMatrix: UserItems,
  testMatrix: UserItems,
  earlier: () => Promise<RankerExamples>,
) {
  const features = new RepeatFeatures(purchases, trainMatrix.users, trainMatrix.items);
  const halves = [0, 1].map((half) => rankerExamples(blend, features, trainMatrix, testMatrix, (user) => user % 2 === half));
  if (halves.reduce((sum, half) => sum + half.customers, 0) < MIN_RANKER_CUSTOMERS) return null;
  const before = await earlier();
  return {
    features,
    folds: halves.map((half) => fitRanker(RankerExamples.join([half, before]))),
    served: fitRanker(RankerExamples.join([...halves, before])),
  };
}

/**
 * The ranker's examples from a period before the split: the chosen blend refitted on the
 * purchases before `start` (its EASE, ALS and hybrid, and the trend there), its candidates and
 * the customers' purchases labelled by what they bought from `start` to `end`. Two periods'
 * customers steady the ranker's weights: on Online Retail they bring it past buy-again by 5% at
 * every cut-off (docs/quality.md).
 */
export async function rankerExamplesBefore(
  dataset: Dataset,
  blend: Blend,
  period: { start: number; end: number },
): Promise<RankerExamples> {
  const { user, item, time, train, trainMatrix, testMatrix } = splitPurchases(dataset, period.start, period.end);
  const users = dataset.userIds.length;
  const items = dataset.items.length;
  const purchases = { user, item, time, positions: train, now: period.start };
  // A shop with no customer who bought both before and in the period (a history shorter than two periods) has nothing to add.
  const bothSides = (u: number) =>
    trainMatrix.rowStart[u + 1] > trainMatrix.rowStart[u] && testMatrix.rowStart[u + 1] > testMatrix.rowStart[u];
  if (!Array.from({ length: users }, (_, u) => u).some(bothSides)) return new RankerExamples(RANKER_FEATURES.length);
  const plain = new EaseScorer(blend.sessions ? SESSION_EASE : { lambda: EASE_DEFAULTS.lambda });
  const parts: Scorer[] = [
    blend.recency ? new RecentEaseScorer(plain, purchases) : plain,
    new FactorsScorer(await fitAlsParallel({ rows: users, columns: items, rowStart: trainMatrix.rowStart, cols: trainMatrix.cols })),
    ...(blend.hybrid ? [new TwoTowerScorer({ items: dataset.items })] : []),
  ];
  for (const part of parts) part.fit(trainMatrix);
  const trend = blend.trend ? itemTrend(items, { item, time, positions: train }, period.start) : new Float32Array(0);
  const rows = parts.map(() => new Float32Array(items));
  const scorer: Scorer = {
    name: "for-you",
    params: {},
    fit() {},
    score(u, history, out) {
      parts.forEach((part, index) => part.score(u, history, rows[index]));
      blendParts(out, rows, blend, trend);
    },
  };
  return rankerExamples(scorer, new RepeatFeatures(purchases, users, items), trainMatrix, testMatrix);
}

/** Every purchase by user (the dataset's columns, read as they are), split at the cut-off into train and test matrices (the test up to `end`). */
function splitPurchases(dataset: Dataset, cutoff: number, end = Infinity) {
  const { user, item, time, positions } = datasetPurchases(dataset);
  const train = positions.filter((p) => time[p] < cutoff);
  const test = positions.filter((p) => time[p] >= cutoff && time[p] < end);
  const users = dataset.userIds.length;
  const items = dataset.items.length;
  const trainMatrix = userItems(users, items, user, item, train, time);
  const testMatrix = userItems(users, items, user, item, test);
  return { user, item, time, train, trainMatrix, testMatrix };
}

/** Shoppers as training counts them (any positive interest, views included), a bound on the check's. */
function countShoppers(dataset: Dataset) {
  let shoppers = 0;
  for (const interest of dataset.interest) {
    for (const weight of interest.values()) {
      if (weight > 0) {
        shoppers++;
        break;
      }
    }
  }
  return shoppers;
}

/**
 * Trending as the product computes it (from every weighted event before the cut-off), and
 * with last year's season where those weeks had enough sales to say anything.
 */
function trendingScorers(dataset: Dataset, cutoff: number) {
  const { halfLifeDays, seasonDays } = POPULARITY_DEFAULTS;
  const [seasonFrom, seasonTo] = seasonWindow(cutoff, seasonDays);
  const events = dataset.events;
  const before = new Int32Array(events.time.length);
  let count = 0;
  let seasonSales = 0;
  for (let e = 0; e < events.time.length; e++) {
    if (events.time[e] >= cutoff) continue;
    before[count++] = e;
    if (events.time[e] >= seasonFrom && events.time[e] < seasonTo && events.weight[e] > 0) seasonSales += events.weight[e];
  }
  const sales = { ...events, positions: before.subarray(0, count), now: cutoff };
  const seasonal = seasonSales >= MIN_SEASON_SALES;
  const trending = [
    new TrendingScorer(sales, { halfLifeDays, seasonDays, seasonShare: 0 }),
    ...(seasonal ? [new TrendingScorer(sales, { halfLifeDays, seasonDays, seasonShare: SEASON_SHARE }, "trending-season")] : []),
  ];
  return { trending, seasonal };
}

type ViewResults = ReturnType<typeof evaluateEach>;
type Blend = Omit<ServingChoices["forYou"], "repeats">;

/** Each model's metrics in both views, the "Recommended for you" blend chosen, and whether Trending reads the season. */
function chooseForYou(scorers: Scorer[], blends: Blend[], { all, fresh }: { all: ViewResults; fresh: ViewResults }, seasonal: boolean) {
  const summary = (index: number) => ({
    all: { ndcg: all[index].ndcg, recall: all[index].recall, precision: all[index].precision },
    new: { ndcg: fresh[index].ndcg, recall: fresh[index].recall, precision: fresh[index].precision },
  });
  const models: StoreQuality["models"] = Object.fromEntries(scorers.map((scorer, index) => [scorer.name, summary(index)]));
  let choice: Blend = DEFAULT_CHOICES.forYou;
  if (blends.length) {
    // The blend with the best NDCG on the `new` view (the first of equals: plain EASE before
    // sessions and recency, no hybrid before the hybrid, no trend before trend).
    let best = 0;
    blends.forEach((_, index) => {
      if (fresh[scorers.length + index].ndcg > fresh[scorers.length + best].ndcg) best = index;
    });
    choice = blends[best];
    models["for-you"] = summary(scorers.length + best);
  }
  // Undecided where neither reached anyone (no customer bought anything new, or both missed).
  const season = seasonal ? [models["trending-season"].new.ndcg, models.trending.new.ndcg] : [0, 0];
  const trendingSeason = season[0] || season[1] ? season[0] > season[1] : undefined;
  const choices: ServingChoices = {
    forYou: {
      easeWeight: choice.easeWeight,
      sessions: choice.sessions,
      recency: !!choice.recency,
      trend: choice.trend,
      hybrid: choice.hybrid,
      repeats: 0,
    },
    trending: trendingSeason === undefined ? {} : { season: trendingSeason },
  };
  return { models, choices };
}

/** ALS factors fitted beforehand (on worker threads), as a harness scorer. */
class FactorsScorer implements Scorer {
  readonly name = "als";
  readonly params = {};
  constructor(private readonly factors: AlsFactors) {}
  fit(_train: UserItems) {}
  score(user: number, _history: Int32Array, out: Float32Array) {
    scoreAll(this.factors, user, out);
  }
}
