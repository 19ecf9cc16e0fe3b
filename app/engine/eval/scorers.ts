import { blendScaledRows } from "../blend";
import { decayFactor } from "../dataset";
import { easeWeights } from "../linalg";
import { ALS_DEFAULTS, fitAls, scoreAll, type AlsFactors } from "../models/als";
import { BUY_AGAIN_DEFAULTS, BUY_AGAIN_HALF_LIFE_DAYS, dueScore, repurchaseIntervals } from "../models/buy-again";
import { CONTENT_DEFAULTS, contentNeighbours, tfidf } from "../models/content";
import { EASE_DEFAULTS, EASE_SCORER_LAMBDA, RECENT_EASE } from "../models/ease";
import { popularityScores } from "../models/popularity";
import { fitNcf, ncfScores, NCF_DEFAULTS, type NcfParams, type NcfWeights } from "../benchmark-models/ncf";
import {
  fitSequential,
  nextItemScores,
  SEQUENTIAL_DEFAULTS,
  sequenceState,
  type SequentialParams,
  type SequentialWeights,
} from "../benchmark-models/sequential";
import { fitSvd, predictRating, type Ratings, type SvdModel, type SvdParams } from "../benchmark-models/svd";
import {
  fitTwoTower,
  scoreItems,
  TWO_TOWER_DEFAULTS,
  userVector,
  type FeatureRows,
  type TwoTowerParams,
  type TwoTowerWeights,
} from "../models/two-tower";
import { applyTrend, itemTrend, TREND_DEFAULTS, type TrendParams } from "../trend";
import { fitRanker, rankCandidates, RANKER_CANDIDATES, RankerExamples, RepeatFeatures, type RankerWeights } from "../models/repeat-ranker";
import { topK } from "../topk";
import type { EngineItem } from "../types";
import type { PurchaseColumns } from "../models/repeat-ranker";
import { gram, placeInRow, userItems, type UserItems } from "./matrix";

/**
 * A model as the evaluation harness sees it: fitted on binary user × item rows, it scores
 * every item for a user (higher is better). Items the user already has are excluded by the
 * harness, not the model.
 */
export interface Scorer {
  readonly name: string;
  /** The hyper-parameters used, for the report. */
  readonly params: Record<string, number>;
  fit(train: UserItems): void;
  score(user: number, history: Int32Array, out: Float32Array): void;
}

/** How many users have each item. */
export class PopularityScorer implements Scorer {
  readonly name = "popularity";
  readonly params = {};
  private counts = new Float32Array(0);
  fit(train: UserItems) {
    this.counts = new Float32Array(train.items);
    for (const item of train.cols) this.counts[item]++;
  }
  score(_user: number, _history: Int32Array, out: Float32Array) {
    out.set(this.counts);
  }
}

/**
 * Popularity as the product's "Trending" reads it (`popularityScores`): sales decayed by a
 * half-life, part of the score from the same weeks a year back; the same list for everyone.
 */
export class TrendingScorer implements Scorer {
  private scores = new Float32Array(0);
  constructor(
    /** The sales or weighted events (positions of the training data), seen from `now`. */
    private readonly sales: {
      item: ArrayLike<number>;
      time: ArrayLike<number>;
      weight?: ArrayLike<number>;
      positions: ArrayLike<number>;
      now: number;
    },
    readonly params: { halfLifeDays: number; seasonDays: number; seasonShare: number },
    readonly name = "trending",
  ) {}
  fit(train: UserItems) {
    this.scores = Float32Array.from(popularityScores(train.items, this.sales, this.sales.now, this.params));
  }
  score(_user: number, _history: Int32Array, out: Float32Array) {
    out.set(this.scores);
  }
}

/** Item-based k nearest neighbours: cosine similarity of item columns, the k most similar kept per item. */
export class ItemKnnScorer implements Scorer {
  readonly name = "item-knn";
  private similar: Float32Array = new Float32Array(0);
  private n = 0;
  constructor(readonly params: { neighbours: number } = { neighbours: 100 }) {}
  fit(train: UserItems) {
    const n = (this.n = train.items);
    const g = gram(train);
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) norms[i] = Math.sqrt(g[i * n + i]);
    const sim = new Float32Array(n * n);
    const rowValues = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) rowValues[j] = i === j || !norms[i] || !norms[j] ? 0 : g[i * n + j] / (norms[i] * norms[j]);
      // Keep the k largest of the row.
      const threshold = kthLargest(rowValues, this.params.neighbours);
      for (let j = 0; j < n; j++) if (rowValues[j] >= threshold && rowValues[j] > 0) sim[i * n + j] = rowValues[j];
    }
    this.similar = sim;
  }
  score(_user: number, history: Int32Array, out: Float32Array) {
    sumRows(this.similar, this.n, history, out);
  }
}

/** out = the sum of the rows of a dense n × n item matrix for the user's items. */
/** The sum of the history's rows of an n × n matrix, each times its item's `weight` (1 unless given). */
function sumRows(matrix: Float32Array, n: number, history: Int32Array, out: Float32Array, weight?: (item: number) => number) {
  out.fill(0);
  for (const item of history) {
    const base = item * n;
    const w = weight ? weight(item) : 1;
    for (let j = 0; j < n; j++) out[j] += w * matrix[base + j];
  }
}

function kthLargest(values: Float64Array, k: number): number {
  if (k >= values.length) return -Infinity;
  const sorted = Float64Array.from(values).sort();
  return sorted[values.length - k];
}

/**
 * EASE (Steck, WWW 2019): a linear item-item model with a closed form. B = I − P·diag(1/diag(P))
 * with P = (XᵀX + λI)⁻¹ and a zero diagonal; a user's scores are their row of X times B.
 * "session-ease": the same with the Gram matrix counting pairs by session proximity (matrix.ts;
 * the rows must carry times) and DLAE's dropout regularisation (linalg.ts).
 */
export class EaseScorer implements Scorer {
  readonly name: string;
  private weights: Float32Array = new Float32Array(0);
  private n = 0;
  private fittedOn: UserItems | null = null;
  constructor(
    readonly params: { lambda: number; dropout?: number; proximityMinutes?: number; proximityFloor?: number } = {
      lambda: EASE_SCORER_LAMBDA,
    },
  ) {
    this.name = params.proximityMinutes ? "session-ease" : "ease";
  }
  fit(train: UserItems) {
    if (this.fittedOn === train) return;
    this.fittedOn = train;
    this.n = train.items;
    // The defaults of models/ease.ts: no proximity, floor 0.2 when it is on, no dropout.
    const {
      lambda,
      dropout = EASE_DEFAULTS.dropout,
      proximityMinutes = EASE_DEFAULTS.proximityMinutes,
      proximityFloor = EASE_DEFAULTS.proximityFloor,
    } = this.params;
    this.weights = easeWeights(gram(train, { minutes: proximityMinutes, floor: proximityFloor }), this.n, lambda, dropout);
  }
  score(_user: number, history: Int32Array, out: Float32Array) {
    sumRows(this.weights, this.n, history, out);
  }
  /** The scores of a history whose items count by `weight` instead of 1 each. */
  scoreWeighted(history: Int32Array, weight: (item: number) => number, out: Float32Array) {
    sumRows(this.weights, this.n, history, out, weight);
  }
}

/**
 * "recent-ease": EASE with each of the user's items counting by how lately they bought it
 * (models/ease.ts, recencyHalfLifeDays), from the weights of the EASE it is given, so that it and
 * plain EASE share one inverse (fitting it fits that EASE unless it is fitted on the matrix).
 */
export class RecentEaseScorer implements Scorer {
  readonly name = "recent-ease";
  private last: Map<number, number>[] = [];
  constructor(
    private readonly ease: EaseScorer,
    /** The purchases the history holds, seen from `now`. */
    private readonly purchases: Purchases,
    private readonly halfLifeDays: number = RECENT_EASE.recencyHalfLifeDays,
  ) {}
  get params() {
    return { ...this.ease.params, recencyHalfLifeDays: this.halfLifeDays };
  }
  fit(train: UserItems) {
    this.ease.fit(train);
    const { user, item, time, positions } = this.purchases;
    this.last = Array.from({ length: train.users }, () => new Map());
    for (let p = 0; p < positions.length; p++) {
      const own = this.last[user[positions[p]]];
      const at = own.get(item[positions[p]]);
      if (at === undefined || time[positions[p]] > at) own.set(item[positions[p]], time[positions[p]]);
    }
  }
  score(user: number, history: Int32Array, out: Float32Array) {
    const own = this.last[user];
    const { now } = this.purchases;
    this.ease.scoreWeighted(history, (item) => decayFactor(now - (own?.get(item) ?? now), this.halfLifeDays), out);
  }
}

/** Implicit ALS (models/als.ts): a user's score for an item is the dot product of their factors. */
export class AlsScorer implements Scorer {
  readonly name = "als";
  private model: AlsFactors | null = null;
  constructor(
    readonly params: { factors: number; lambda: number; alpha: number; iterations: number } = {
      factors: ALS_DEFAULTS.factors,
      lambda: ALS_DEFAULTS.lambda,
      alpha: ALS_DEFAULTS.alpha,
      iterations: ALS_DEFAULTS.iterations,
    },
  ) {}
  fit(train: UserItems) {
    this.model = fitAls({ rows: train.users, columns: train.items, rowStart: train.rowStart, cols: train.cols }, this.params);
  }
  score(user: number, _history: Int32Array, out: Float32Array) {
    scoreAll(this.model!, user, out);
  }
}

/** Content (models/content.ts): the sum, over the user's items, of their TF-IDF cosine neighbours. */
export class ContentScorer implements Scorer {
  readonly name = "content";
  private similar = new Float32Array(0);
  private n = 0;
  constructor(
    private readonly items: EngineItem[],
    readonly params: { neighbours: number } = { neighbours: CONTENT_DEFAULTS.neighbours },
  ) {}
  fit(train: UserItems) {
    const n = (this.n = train.items);
    this.similar = new Float32Array(n * n);
    contentNeighbours(tfidf(this.items), this.params.neighbours, 0).forEach((list, item) => {
      for (const [other, similarity] of list) this.similar[item * n + other] = similarity;
    });
  }
  score(_user: number, history: Int32Array, out: Float32Array) {
    sumRows(this.similar, this.n, history, out);
  }
}

/**
 * The hybrid two-tower model (models/two-tower.ts), its item tower reading the items' TF-IDF
 * and its user tower the users' own features when given.
 */
export class TwoTowerScorer implements Scorer {
  readonly name: string;
  readonly params: Record<string, number>;
  private weights: TwoTowerWeights | null = null;
  private readonly itemFeatures?: FeatureRows;
  constructor(
    private readonly side: { items?: EngineItem[]; userFeatures?: FeatureRows },
    private readonly twoTower: TwoTowerParams = {},
  ) {
    this.name = side.items || side.userFeatures ? "two-tower" : "two-tower (ids only)";
    this.params = { ...TWO_TOWER_DEFAULTS, ...twoTower };
    this.itemFeatures = side.items ? tfidf(side.items) : undefined;
  }
  fit(train: UserItems) {
    this.weights = fitTwoTower(
      { users: train.users, items: train.items, history: train, itemFeatures: this.itemFeatures, userFeatures: this.side.userFeatures },
      this.twoTower,
    );
  }
  score(user: number, history: Int32Array, out: Float32Array) {
    const features = this.side.userFeatures;
    const own = features && {
      cols: features.cols.subarray(features.rowStart[user], features.rowStart[user + 1]),
      values: features.values.subarray(features.rowStart[user], features.rowStart[user + 1]),
    };
    scoreItems(this.weights!, userVector(this.weights!, history, own), out);
  }
}

/** NeuMF (benchmark-models/ncf.ts), trained on the binary matrix with sampled negatives. */
export class NcfScorer implements Scorer {
  readonly name = "ncf";
  readonly params: Record<string, number>;
  private weights: NcfWeights | null = null;
  constructor(private readonly ncf: NcfParams = {}) {
    this.params = { ...NCF_DEFAULTS, ...ncf };
  }
  fit(train: UserItems) {
    this.weights = fitNcf(train, this.ncf);
  }
  score(user: number, _history: Int32Array, out: Float32Array) {
    ncfScores(this.weights!, user, out);
  }
}

/** The GRU next-item model (benchmark-models/sequential.ts), over each user's training items in time order. */
export class SequentialScorer implements Scorer {
  readonly name = "gru";
  readonly params: Record<string, number>;
  private weights: SequentialWeights | null = null;
  private sequences: Int32Array[] = [];
  constructor(
    private readonly history: { user: ArrayLike<number>; item: ArrayLike<number>; time: ArrayLike<number>; positions: ArrayLike<number> },
    private readonly sequential: SequentialParams = {},
  ) {
    this.params = { ...SEQUENTIAL_DEFAULTS, ...sequential };
  }
  fit(train: UserItems) {
    const { user, item, time, positions } = this.history;
    const perUser: number[][] = Array.from({ length: train.users }, () => []);
    const ordered = Array.from(positions).sort((a, b) => time[a] - time[b] || a - b);
    for (const position of ordered) perUser[user[position]].push(item[position]);
    this.sequences = perUser.map((items) => Int32Array.from(items));
    this.weights = fitSequential(this.sequences, train.items, this.sequential);
  }
  score(user: number, _history: Int32Array, out: Float32Array) {
    nextItemScores(this.weights!, sequenceState(this.weights!, this.sequences[user], this.params.maxLength), out);
  }
}

/**
 * Rating prediction (benchmark-models/svd.ts), ranking by predicted rating. Fitted on the ratings of the
 * training positions given (the harness's binary matrix has no ratings), so it also answers
 * `predict` for RMSE and MAE.
 */
export class SvdScorer implements Scorer {
  readonly name: string;
  readonly params: Record<string, number>;
  private model: SvdModel | null = null;
  constructor(
    private readonly ratings: Ratings,
    private readonly svd: SvdParams = {},
  ) {
    this.name = svd.factors === 0 ? "baseline (biases)" : "svd";
    this.params = { ...svd };
  }
  fit(train: UserItems) {
    this.model = fitSvd(this.ratings, train.users, train.items, this.svd);
  }
  predict(user: number, item: number) {
    return predictRating(this.model!, user, item);
  }
  score(user: number, _history: Int32Array, out: Float32Array) {
    for (let item = 0; item < out.length; item++) out[item] = predictRating(this.model!, user, item);
  }
}

/** Purchases as parallel columns, the training rows among them (`positions`), seen from `now`. */
export type Purchases = PurchaseColumns;

/**
 * "Buy it again": the user's own purchases, weighted by how often and how recently (a half-life
 * in days), then the most popular items to fill the list.
 */
export class BuyAgainScorer implements Scorer {
  readonly name = "buy-again";
  /** Per user, as compressed rows: the items they bought and their decayed purchase counts. */
  private bought: UserItems = { users: 0, items: 0, rowStart: new Int32Array(1), cols: new Int32Array(0) };
  private weights = new Float64Array(0);
  private popularity = new Float32Array(0);
  constructor(
    private readonly history: Purchases,
    readonly params: { halfLifeDays: number } = { halfLifeDays: BUY_AGAIN_HALF_LIFE_DAYS },
  ) {}
  fit(train: UserItems) {
    const { user, item, time, positions, now } = this.history;
    const rate = Math.LN2 / (this.params.halfLifeDays * 86_400_000);
    this.bought = userItems(train.users, train.items, user, item, positions);
    this.weights = new Float64Array(this.bought.cols.length);
    for (let p = 0; p < positions.length; p++) {
      const position = positions[p];
      this.weights[placeInRow(this.bought, user[position], item[position])] += Math.exp(-rate * Math.max(0, now - time[position]));
    }
    const counts = new Float32Array(train.items);
    for (const i of train.cols) counts[i]++;
    let max = 1;
    for (const count of counts) if (count > max) max = count;
    this.popularity = counts.map((count) => count / (max + 1));
  }
  score(user: number, _history: Int32Array, out: Float32Array) {
    out.set(this.popularity);
    for (let e = this.bought.rowStart[user]; e < this.bought.rowStart[user + 1]; e++) out[this.bought.cols[e]] += 1 + this.weights[e];
  }
}

/**
 * The served "Buy it again" model's scores (models/buy-again.ts) over the training purchases:
 * each purchased product that shoppers rebuy, by how due its next purchase is; 0 for every
 * other product, so that it moves a blend's repeats and nothing else.
 */
export class DueRepeatScorer implements Scorer {
  readonly name = "due-repeats";
  private scores: Map<number, number>[] = [];
  constructor(
    private readonly history: Purchases,
    readonly params: { minRepeatShare: number } = BUY_AGAIN_DEFAULTS,
  ) {}
  fit(train: UserItems) {
    const { user, item, time, positions, now } = this.history;
    const bought: Map<number, number[]>[] = Array.from({ length: train.users }, () => new Map());
    for (let p = 0; p < positions.length; p++) {
      const position = positions[p];
      const times = bought[user[position]].get(item[position]) ?? [];
      times.push(time[position]);
      bought[user[position]].set(item[position], times);
    }
    for (const own of bought) for (const times of own.values()) times.sort((a, b) => a - b);
    const forEach = (visit: (item: number, times: ArrayLike<number>) => void) => {
      for (const own of bought) for (const [i, times] of own) visit(i, times);
    };
    const intervals = repurchaseIntervals(train.items, forEach, this.params.minRepeatShare);
    this.scores = bought.map(
      (own) =>
        new Map(
          [...own]
            .filter(([i]) => intervals[i] > 0)
            .map(([i, times]) => [i, dueScore(times.length, times[times.length - 1], intervals[i], now)]),
        ),
    );
  }
  score(user: number, _history: Int32Array, out: Float32Array) {
    out.fill(0);
    for (const [i, score] of this.scores[user] ?? []) out[i] = score;
  }
}

/**
 * Another scorer's scores, each times its item's trend (app/engine/trend.ts), what it scores
 * below 0 at 0; with power 0, the other scorer's scores as they are. Named as the scorer it
 * wraps unless given a name.
 */
export class TrendScorer implements Scorer {
  readonly name: string;
  private factors: Float32Array = new Float32Array(0);
  constructor(
    private readonly inner: Scorer,
    /** The sales the trend is read from (positions of the training data), seen from `now`. */
    private readonly sales: { item: ArrayLike<number>; time: ArrayLike<number>; positions: ArrayLike<number>; now: number },
    readonly trend: TrendParams = TREND_DEFAULTS,
    name?: string,
  ) {
    this.name = name ?? inner.name;
  }
  get params() {
    const trend = this.trend.power ? Object.entries(this.trend).map(([key, value]) => [`trend.${key}`, value]) : [["trend.power", 0]];
    return { ...this.inner.params, ...Object.fromEntries(trend) };
  }
  fit(train: UserItems) {
    this.inner.fit(train);
    this.factors = itemTrend(train.items, this.sales, this.sales.now, this.trend);
  }
  score(user: number, history: Int32Array, out: Float32Array) {
    this.inner.score(user, history, out);
    if (this.trend.power) applyTrend(out, this.factors);
  }
}

/**
 * A scorer fitted once per training matrix, however many times it is asked, and scoring a user
 * once for the blends that ask in turn with the same history (shared by blends: `evaluateEach`
 * asks every blend of a grid for one user before the next).
 */
export class FitOnce implements Scorer {
  private fittedOn: UserItems | null = null;
  private last: { history: Int32Array; scores: Float32Array } | null = null;
  constructor(readonly inner: Scorer) {}
  get name() {
    return this.inner.name;
  }
  get params() {
    return this.inner.params;
  }
  fit(train: UserItems) {
    if (this.fittedOn === train) return;
    this.inner.fit(train);
    this.fittedOn = train;
    this.last = null;
  }
  score(user: number, history: Int32Array, out: Float32Array) {
    if (this.last?.history === history && this.last.scores.length === out.length) {
      out.set(this.last.scores);
      return;
    }
    this.inner.score(user, history, out);
    const scores = this.last?.scores.length === out.length ? this.last.scores : new Float32Array(out.length);
    scores.set(out);
    this.last = { history, scores };
  }
}

/**
 * A weighted sum of scorers, each scaled to a maximum of 1 per user first: Σ weight_i · part_i.
 * The weights are tuned on validation.
 */
export class BlendScorer implements Scorer {
  readonly name: string;
  private buffers: Float32Array[] = [];
  constructor(
    private readonly parts: Scorer[],
    private readonly weights: number[],
    name?: string,
  ) {
    this.name = name ?? `blend(${parts.map((part) => part.name).join("+")})`;
  }
  get params() {
    return {
      ...Object.fromEntries(this.parts.map((part, index) => [`weight.${part.name}`, this.weights[index]])),
      ...Object.fromEntries(
        this.parts.flatMap((part) => Object.entries(part.params).map(([key, value]) => [`${part.name}.${key}`, value])),
      ),
    };
  }
  fit(train: UserItems) {
    for (const part of this.parts) part.fit(train);
    this.buffers = this.parts.map(() => new Float32Array(train.items));
  }
  score(user: number, history: Int32Array, out: Float32Array) {
    this.parts.forEach((part, index) => part.score(user, history, this.buffers[index]));
    blendScaledRows(out, this.buffers, this.weights);
  }
}

/** A period a ranker learns from: the purchases before it (rows and columns, seen from its start) and in it. */
export interface RankerPeriod {
  train: UserItems;
  test: UserItems;
  purchases: Purchases;
}

/**
 * "Recommended for you" with the learned repeat ranker (models/repeat-ranker.ts): a personal
 * blend's candidates and the user's purchases, ranked by weights fitted on earlier periods.
 * `fit` learns them where the benchmark's `periods` say (for each, the blend fitted on what came
 * before it, the features at its start, labelled by what was bought in it; the examples of all
 * of them joined), then fits the blend on the training matrix given and reads the features at
 * the training purchases' `now`.
 */
export class RepeatRankerScorer implements Scorer {
  readonly name = "for-you-ranker";
  readonly params = {};
  private weights: RankerWeights | null = null;
  private features: RepeatFeatures | null = null;
  constructor(
    private readonly setup: {
      blend: { validation: Scorer; training: Scorer };
      periods: RankerPeriod[];
      training: Purchases;
    },
  ) {}
  fit(train: UserItems) {
    const { blend, periods } = this.setup;
    const examples = periods.map((period) => {
      blend.validation.fit(period.train);
      const features = new RepeatFeatures(period.purchases, train.users, train.items);
      return rankerExamples(blend.validation, features, period.train, period.test);
    });
    this.weights = fitRanker(RankerExamples.join(examples));
    blend.training.fit(train);
    this.features = new RepeatFeatures(this.setup.training, train.users, train.items);
  }
  score(user: number, history: Int32Array, out: Float32Array) {
    this.setup.blend.training.score(user, history, out);
    rankRow(this.weights!, this.features!, user, out);
  }
}

/** Each user's candidates (from the blend's scores) labelled by what they bought in `test`. */
export function rankerExamples(
  blend: Scorer,
  features: RepeatFeatures,
  train: UserItems,
  test: UserItems,
  users: (user: number) => boolean = () => true,
) {
  const examples = new RankerExamples(features.count);
  const row = new Float32Array(train.items);
  for (let user = 0; user < train.users; user++) {
    const history = train.cols.subarray(train.rowStart[user], train.rowStart[user + 1]);
    const next = new Set(test.cols.subarray(test.rowStart[user], test.rowStart[user + 1]));
    if (!history.length || !next.size || !users(user)) continue;
    blend.score(user, history, row);
    examples.add(features.rows(user, blendCandidates(features, user, row)), next);
  }
  return examples;
}

/** The blend's best candidates for the user among what they did not buy, with their scores. */
export function blendCandidates(features: RepeatFeatures, user: number, row: Float32Array) {
  return topK(row, RANKER_CANDIDATES, (item) => features.bought(user, item)).map((item) => ({ item, score: row[item] }));
}

/**
 * A row of blend scores reordered by the ranker: its candidates first in the ranker's order, the
 * rest after them in the blend's.
 */
export function rankRow(weights: RankerWeights, features: RepeatFeatures, user: number, row: Float32Array) {
  const ranked = rankCandidates(weights, features.rows(user, blendCandidates(features, user, row)), (item) => features.bought(user, item));
  let top = 0;
  for (const score of row) top = Math.max(top, score);
  ranked.forEach(({ item }, position) => (row[item] = top + 1 + ranked.length - position));
}
