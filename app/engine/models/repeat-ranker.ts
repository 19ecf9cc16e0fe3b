import type { Dataset } from "../dataset";
import { invertSpd } from "../linalg";
import type { Recommendation } from "../types";
import { BUY_AGAIN_DEFAULTS, repurchaseIntervals } from "./buy-again";

const DAY_MS = 86_400_000;

/**
 * "Recommended for you" where shoppers rebuy: a learned ranker that places the shopper's own
 * purchases among the personal blend's candidates.
 *
 * Each candidate (every product the shopper bought, and the blend's best RANKER_CANDIDATES of the
 * rest) is described by RANKER_FEATURES: how often and how lately the shopper bought it, how due
 * its next purchase is by its repurchase interval, how much the product and the shopper rebuy,
 * the product's recent sales and trend, and the blend's score and rank. A logistic regression
 * over them (fitRanker) learns, from what a shop's customers bought in a period, which
 * candidates they buy next; the 30-day check fits it on one period and judges it on customers it
 * was not fitted on (eval/store-quality.ts).
 *
 * The ranker decides where the repeats go, not the order of the new products: the new
 * candidates keep the blend's order (rankCandidates), so "Recommended for you" shows new
 * products as the blend ranks them whatever the ranker learned.
 */
export const RANKER_FEATURES = [
  "bought",
  "days bought",
  "bought lately (14-day half-life)",
  "bought lately (60-day half-life)",
  "bought lately (180-day half-life)",
  "last bought within weeks",
  "last bought within months",
  "due by its interval",
  "product rebuy share",
  "shopper rebuy share",
  "shopper's purchase days",
  "product sales, last 30 days",
  "product trend",
  "blend score",
  "blend rank",
  "days bought × shopper rebuy share",
  "due × product rebuy share",
] as const;

/** The blend's best products not yet bought that the ranker places among the repeats. */
export const RANKER_CANDIDATES = 50;

/** A fitted ranker: a linear score over the standardised features (the ranking needs no sigmoid). */
export interface RankerWeights {
  /** The features it was fitted on, in order (RANKER_FEATURES when it was fitted). */
  features: string[];
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

/** Purchases as parallel columns, the ones that count among them (`positions`), seen from `now`. */
export interface PurchaseColumns {
  user: ArrayLike<number>;
  item: ArrayLike<number>;
  time: ArrayLike<number>;
  positions: ArrayLike<number>;
  now: number;
}

/** A candidate of the personal blend: an item index and its blend score, best first. */
export interface BlendCandidate {
  item: number;
  score: number;
}

/** Each shopper's candidates with their features, from the purchases before `now`. */
export class RepeatFeatures {
  readonly count = RANKER_FEATURES.length;
  /** Per shopper: item → the distinct days (day numbers, ascending) they bought it on. */
  private readonly days: Map<number, number[]>[];
  private readonly intervals: number[];
  private readonly itemShare: Float64Array;
  private readonly userShare: Float64Array;
  private readonly userDays: Float64Array;
  private readonly recentSales: Float64Array;
  private readonly trend: Float64Array;
  private readonly today: number;

  constructor(purchases: PurchaseColumns, users: number, items: number) {
    this.today = purchases.now / DAY_MS;
    this.days = boughtDays(purchases, users);
    const forEach = (visit: (item: number, times: ArrayLike<number>) => void) => {
      for (const own of this.days)
        for (const [item, days] of own)
          visit(
            item,
            days.map((day) => day * DAY_MS),
          );
    };
    this.intervals = repurchaseIntervals(items, forEach, BUY_AGAIN_DEFAULTS.minRepeatShare);
    const buyers = new Float64Array(items);
    const repeaters = new Float64Array(items);
    this.userShare = new Float64Array(users);
    this.userDays = new Float64Array(users);
    this.days.forEach((own, user) => {
      const allDays = new Set<number>();
      let repeated = 0;
      for (const [item, days] of own) {
        buyers[item]++;
        if (days.length > 1) (repeaters[item]++, repeated++);
        for (const day of days) allDays.add(day);
      }
      this.userShare[user] = own.size ? repeated / own.size : 0;
      this.userDays[user] = Math.log1p(allDays.size);
    });
    this.itemShare = buyers.map((count, item) => (count ? repeaters[item] / count : 0));
    ({ recent: this.recentSales, trend: this.trend } = salesSignals(purchases, items));
  }

  /** Whether the shopper bought the item before `now`. */
  bought(user: number, item: number): boolean {
    return this.days[user]?.has(item) ?? false;
  }

  /**
   * The shopper's candidates and their features (row-major, `count` per candidate): every product
   * they bought, then the blend's candidates they did not (best first, as given).
   */
  rows(user: number, blend: BlendCandidate[]): { items: number[]; features: Float64Array } {
    const own = this.days[user] ?? new Map<number, number[]>();
    const fresh = blend.filter(({ item }) => !own.has(item)).slice(0, RANKER_CANDIDATES);
    const items = [...own.keys(), ...fresh.map(({ item }) => item)];
    const features = new Float64Array(items.length * this.count);
    const top = fresh[0]?.score || 1;
    items.forEach((item, index) => {
      const row = features.subarray(index * this.count, (index + 1) * this.count);
      const days = own.get(item);
      if (days) this.ownFeatures(row, user, item, days);
      else {
        row[13] = Math.max(0, fresh[index - own.size].score / top);
        row[14] = 1 / Math.log2(index - own.size + 2);
      }
      row[8] = this.itemShare[item];
      row[11] = this.recentSales[item];
      row[12] = this.trend[item];
    });
    return { items, features };
  }

  private ownFeatures(row: Float64Array, user: number, item: number, days: number[]) {
    const since = this.today - days[days.length - 1];
    const decayed = (halfLife: number) => Math.log1p(days.reduce((sum, day) => sum + 0.5 ** ((this.today - day) / halfLife), 0));
    const interval = this.intervals[item];
    const due = interval > 0 ? Math.exp(-Math.abs(since / interval - 1)) : 0;
    row[0] = 1;
    row[1] = Math.log1p(days.length);
    row[2] = decayed(14);
    row[3] = decayed(60);
    row[4] = decayed(180);
    row[5] = Math.exp(-since / 30);
    row[6] = Math.exp(-since / 180);
    row[7] = due;
    row[9] = this.userShare[user];
    row[10] = this.userDays[user];
    row[15] = row[1] * this.userShare[user];
    row[16] = due * this.itemShare[item];
  }
}

/** Every purchase of the dataset as columns (its user column spelled out), seen from its latest event. */
export function datasetPurchases(dataset: Dataset) {
  const { start, item, time } = dataset.purchases;
  const user = new Int32Array(item.length);
  for (let u = 0; u < dataset.userIds.length; u++) user.fill(u, start[u], start[u + 1]);
  return { user, item, time, positions: Int32Array.from(item.keys()), now: dataset.now };
}

/**
 * A shopper's "Recommended for you" with the ranker: the personal blend's list (best first) and
 * what the shopper bought, in the ranker's order, the first `k`. A purchase comes with the "buy
 * again" reason, which lets it through hide-purchased in this placement; scores are the ranker's
 * probabilities.
 */
export function rankForYou(
  ranker: { weights: RankerWeights; features: RepeatFeatures },
  user: number,
  personal: Recommendation[],
  dataset: Pick<Dataset, "items" | "itemIndex">,
  k: number,
): Recommendation[] {
  const { weights, features } = ranker;
  const byItem = new Map<number, Recommendation>();
  const blend: BlendCandidate[] = [];
  for (const recommendation of personal) {
    const item = dataset.itemIndex.get(recommendation.itemId);
    if (item === undefined || features.bought(user, item)) continue;
    byItem.set(item, recommendation);
    blend.push({ item, score: recommendation.score });
  }
  const bought = (item: number) => features.bought(user, item);
  return rankCandidates(weights, features.rows(user, blend), bought)
    .slice(0, k)
    .map(({ item, score }) => {
      const itemId = dataset.items[item].id;
      const probability = Math.round(1e6 / (1 + Math.exp(-score))) / 1e6;
      return { ...(byItem.get(item) ?? { itemId, reason: { kind: "buy_again", itemId } }), score: probability };
    });
}

/** Each shopper's distinct purchase days per item. */
function boughtDays(purchases: PurchaseColumns, users: number): Map<number, number[]>[] {
  const days: Map<number, number[]>[] = Array.from({ length: users }, () => new Map());
  const { user, item, time, positions, now } = purchases;
  for (let p = 0; p < positions.length; p++) {
    const position = positions[p];
    if (time[position] > now) continue;
    const own = days[user[position]];
    const list = own.get(item[position]) ?? [];
    list.push(Math.floor(time[position] / DAY_MS));
    own.set(item[position], list);
  }
  for (const own of days) for (const [item, list] of own) own.set(item, [...new Set(list.sort((a, b) => a - b))]);
  return days;
}

/** Each product's sales in the last 30 days (log, scaled to a maximum of 1) and its trend (log of the last 30 days' rate over the last 180's). */
function salesSignals(purchases: PurchaseColumns, items: number) {
  const recent = new Float64Array(items);
  const longer = new Float64Array(items);
  const { item, time, positions, now } = purchases;
  for (let p = 0; p < positions.length; p++) {
    const age = (now - time[positions[p]]) / DAY_MS;
    if (age < 0 || age > 180) continue;
    longer[item[positions[p]]]++;
    if (age <= 30) recent[item[positions[p]]]++;
  }
  let max = 0;
  for (const count of recent) max = Math.max(max, count);
  const trend = recent.map((count, i) => Math.max(-3, Math.min(3, Math.log((count / 30 + 0.01) / (longer[i] / 180 + 0.01)))));
  return { recent: recent.map((count) => (max ? Math.log1p(count) / Math.log1p(max) : 0)), trend };
}

/** Candidates' features with what the shopper bought next (1) or not (0), one block per shopper. */
export class RankerExamples {
  /** Per shopper: their candidates' features (row-major, `count` each), labels and weight. */
  readonly blocks: { features: Float64Array; labels: Uint8Array; weight: number }[] = [];
  constructor(readonly count: number) {}
  /** Several sets of examples as one (the blocks are shared, not copied). */
  static join(parts: RankerExamples[]): RankerExamples {
    const joined = new RankerExamples(parts[0].count);
    for (const part of parts) joined.blocks.push(...part.blocks);
    return joined;
  }
  /** One shopper's candidates, labelled by the items they bought next, weighted 1 / how many (so each shopper counts once, as recall does). */
  add(rows: { items: number[]; features: Float64Array }, next: Set<number>) {
    if (!next.size) return;
    const labels = Uint8Array.from(rows.items, (item) => (next.has(item) ? 1 : 0));
    this.blocks.push({ features: rows.features, labels, weight: 1 / next.size });
  }
  /** The shoppers added. */
  get customers() {
    return this.blocks.length;
  }
}

/**
 * A weighted logistic regression with an L2 penalty on the standardised features, by Newton's
 * method (the features are few: each step solves a RANKER_FEATURES-sized system); it stops when
 * no parameter moves by more than 1e-4.
 */
export function fitRanker(examples: RankerExamples, { l2 = 1, iterations = 25 } = {}): RankerWeights {
  const d = examples.count;
  const { mean, scale } = standardisation(examples);
  // Parameters: the d weights, then the bias (not penalised).
  const size = d + 1;
  const beta = new Float64Array(size);
  const row = new Float64Array(size);
  row[d] = 1;
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Float64Array(size);
    const hessian = new Float64Array(size * size);
    for (const { features, labels, weight } of examples.blocks) {
      for (let i = 0; i < labels.length; i++) {
        let z = beta[d];
        for (let j = 0; j < d; j++) z += beta[j] * (row[j] = (features[i * d + j] - mean[j]) / scale[j]);
        const p = 1 / (1 + Math.exp(-z));
        const residual = weight * (labels[i] - p);
        const curvature = weight * p * (1 - p);
        for (let a = 0; a < size; a++) {
          gradient[a] += residual * row[a];
          const scaled = curvature * row[a];
          for (let b = 0; b <= a; b++) hessian[a * size + b] += scaled * row[b];
        }
      }
    }
    for (let a = 0; a < size; a++) for (let b = 0; b < a; b++) hessian[b * size + a] = hessian[a * size + b];
    for (let j = 0; j < d; j++) {
      gradient[j] -= l2 * beta[j];
      hessian[j * size + j] += l2;
    }
    hessian[d * size + d] += 1e-9;
    const inverse = invertSpd(hessian, size);
    let change = 0;
    for (let a = 0; a < size; a++) {
      let step = 0;
      for (let b = 0; b < size; b++) step += inverse[a * size + b] * gradient[b];
      beta[a] += step;
      change = Math.max(change, Math.abs(step));
    }
    if (change < 1e-4) break;
  }
  return { features: [...RANKER_FEATURES], mean, scale, weights: Array.from(beta.subarray(0, d)), bias: beta[d] };
}

function standardisation(examples: RankerExamples) {
  const d = examples.count;
  let n = 0;
  const mean = new Array<number>(d).fill(0);
  const square = new Array<number>(d).fill(0);
  for (const { features } of examples.blocks) {
    features.forEach((value, index) => {
      mean[index % d] += value;
      square[index % d] += value * value;
    });
    n += features.length / d;
  }
  const count = Math.max(1, n);
  const scale = mean.map((sum, j) => Math.sqrt(Math.max(0, square[j] / count - (sum / count) ** 2)) || 1);
  return { mean: mean.map((sum) => sum / count), scale };
}

/** Whether saved weights can rank with this version's features (a check saved before a feature changed cannot). */
export function rankerFits(weights: RankerWeights | undefined): weights is RankerWeights {
  return (
    !!weights && weights.features.length === RANKER_FEATURES.length && weights.features.every((name, j) => name === RANKER_FEATURES[j])
  );
}

/**
 * The candidates in the ranker's order, best first: each gets its linear score; the new
 * candidates' scores are then handed out again in the blend's order (the best of them to the
 * blend's first), so that repeats move among the new products and the new products keep the
 * blend's order. Ties keep the candidates' order.
 */
export function rankCandidates(
  weights: RankerWeights,
  rows: { items: number[]; features: Float64Array },
  bought: (item: number) => boolean,
) {
  const d = weights.weights.length;
  const scores = rows.items.map((_, index) => {
    let z = weights.bias;
    for (let j = 0; j < d; j++) z += (weights.weights[j] * (rows.features[index * d + j] - weights.mean[j])) / weights.scale[j];
    return z;
  });
  const fresh = rows.items.flatMap((item, index) => (bought(item) ? [] : [index]));
  const freshScores = fresh.map((index) => scores[index]).sort((a, b) => b - a);
  fresh.forEach((index, rank) => (scores[index] = freshScores[rank]));
  return rows.items
    .map((item, index) => ({ item, score: scores[index], index }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map(({ item, score }) => ({ item, score }));
}
