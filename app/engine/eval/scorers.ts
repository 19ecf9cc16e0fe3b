import { easeWeights } from "../linalg";
import { fitAls, scoreAll, type AlsFactors } from "../models/als";
import { gram, type UserItems } from "./matrix";

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
function sumRows(matrix: Float32Array, n: number, history: Int32Array, out: Float32Array) {
  out.fill(0);
  for (const item of history) {
    const base = item * n;
    for (let j = 0; j < n; j++) out[j] += matrix[base + j];
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
 */
export class EaseScorer implements Scorer {
  readonly name = "ease";
  private weights: Float32Array = new Float32Array(0);
  private n = 0;
  constructor(readonly params: { lambda: number } = { lambda: 500 }) {}
  fit(train: UserItems) {
    this.n = train.items;
    this.weights = easeWeights(gram(train), this.n, this.params.lambda);
  }
  score(_user: number, history: Int32Array, out: Float32Array) {
    sumRows(this.weights, this.n, history, out);
  }
}

/** Implicit ALS (models/als.ts): a user's score for an item is the dot product of their factors. */
export class AlsScorer implements Scorer {
  readonly name = "als";
  private model: AlsFactors | null = null;
  constructor(readonly params: { factors: number; lambda: number; alpha: number; iterations: number } = { factors: 32, lambda: 50, alpha: 5, iterations: 15 }) {}
  fit(train: UserItems) {
    this.model = fitAls({ rows: train.users, columns: train.items, rowStart: train.rowStart, cols: train.cols }, this.params);
  }
  score(user: number, _history: Int32Array, out: Float32Array) {
    scoreAll(this.model!, user, out);
  }
}

/**
 * "Buy it again": the user's own purchases, weighted by how often and how recently (a half-life
 * in days), then the most popular items to fill the list.
 */
export class BuyAgainScorer implements Scorer {
  readonly name = "buy-again";
  private perUser = new Map<number, Map<number, number>>();
  private popularity = new Float32Array(0);
  constructor(
    private readonly history: { user: ArrayLike<number>; item: ArrayLike<number>; time: ArrayLike<number>; positions: ArrayLike<number>; now: number },
    readonly params: { halfLifeDays: number } = { halfLifeDays: 90 },
  ) {}
  fit(train: UserItems) {
    const { user, item, time, positions, now } = this.history;
    const rate = Math.LN2 / (this.params.halfLifeDays * 86_400_000);
    this.perUser = new Map();
    for (let p = 0; p < positions.length; p++) {
      const position = positions[p];
      let items = this.perUser.get(user[position]);
      if (!items) this.perUser.set(user[position], (items = new Map()));
      items.set(item[position], (items.get(item[position]) ?? 0) + Math.exp(-rate * Math.max(0, now - time[position])));
    }
    const counts = new Float32Array(train.items);
    for (const i of train.cols) counts[i]++;
    const max = Math.max(1, ...counts);
    this.popularity = counts.map((count) => count / (max + 1));
  }
  score(user: number, _history: Int32Array, out: Float32Array) {
    out.set(this.popularity);
    for (const [item, weight] of this.perUser.get(user) ?? []) out[item] += 1 + weight;
  }
}

/** A scorer fitted once per training matrix, however many times it is asked (shared by blends). */
export class FitOnce implements Scorer {
  private fittedOn: UserItems | null = null;
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
  }
  score(user: number, history: Int32Array, out: Float32Array) {
    this.inner.score(user, history, out);
  }
}

/**
 * A weighted sum of two scorers, each scaled to a maximum of 1 per user first:
 * weight · first + (1 − weight) · second. The weight is tuned on validation.
 */
export class BlendScorer implements Scorer {
  readonly name: string;
  private buffers: [Float32Array, Float32Array] = [new Float32Array(0), new Float32Array(0)];
  constructor(
    private readonly parts: [Scorer, Scorer],
    private readonly weight: number,
  ) {
    this.name = `blend(${parts[0].name}+${parts[1].name})`;
  }
  get params() {
    return { weight: this.weight, ...Object.fromEntries(this.parts.flatMap((part) => Object.entries(part.params).map(([key, value]) => [`${part.name}.${key}`, value]))) };
  }
  fit(train: UserItems) {
    for (const part of this.parts) part.fit(train);
    this.buffers = [new Float32Array(train.items), new Float32Array(train.items)];
  }
  score(user: number, history: Int32Array, out: Float32Array) {
    const [first, second] = this.buffers;
    this.parts[0].score(user, history, first);
    this.parts[1].score(user, history, second);
    const scale = (values: Float32Array) => {
      let max = 0;
      for (const value of values) max = Math.max(max, Math.abs(value));
      return max > 0 ? 1 / max : 0;
    };
    const a = this.weight * scale(first);
    const b = (1 - this.weight) * scale(second);
    for (let i = 0; i < out.length; i++) out[i] = a * first[i] + b * second[i];
  }
}

