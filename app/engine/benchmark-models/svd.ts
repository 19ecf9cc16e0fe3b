import { seededRandom } from "../eval/split";

/**
 * Rating prediction by biased matrix factorisation ("SVD" of the Netflix Prize, Koren, Bell and
 * Volinsky 2009, as the Surprise library implements it): r̂(u, i) = μ + b_u + b_i + p_u · q_i,
 * fitted by stochastic gradient descent on the squared error with L2 regularisation. With
 * `factors: 0` it is the baseline predictor μ + b_u + b_i alone.
 *
 * Review ratings are what it is for: the harness reports its RMSE and MAE on held-out ratings,
 * and it can rank by predicted rating (which ranks poorly: a high rating predicted is not a
 * likely purchase, README).
 */
export interface SvdParams {
  factors?: number;
  epochs?: number;
  learningRate?: number;
  /** L2 regularisation of biases and factors. */
  regularisation?: number;
  seed?: number;
}

/** Surprise's defaults. */
const SVD_DEFAULTS: Required<SvdParams> = { factors: 100, epochs: 20, learningRate: 0.005, regularisation: 0.02, seed: 42 };
/** The regularisations the benchmarks try on validation by RMSE (bench/quality.ts), Surprise's default first. */
export const SVD_REGULARISATION_GRID = [SVD_DEFAULTS.regularisation, 0.05, 0.1];

export interface Ratings {
  user: ArrayLike<number>;
  item: ArrayLike<number>;
  rating: ArrayLike<number>;
  /** Which entries of the arrays to use. */
  positions: ArrayLike<number>;
}

export interface SvdModel {
  factors: number;
  mean: number;
  userBias: Float32Array;
  itemBias: Float32Array;
  users: Float32Array;
  items: Float32Array;
  /** Ratings are clipped to this range when predicted. */
  range: [number, number];
}

export function fitSvd(ratings: Ratings, users: number, items: number, params: SvdParams = {}): SvdModel {
  const p = { ...SVD_DEFAULTS, ...params };
  const f = p.factors;
  const random = seededRandom(p.seed);
  const normal = (count: number) =>
    Float32Array.from({ length: count }, () => 0.1 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  const model: SvdModel = {
    factors: f,
    mean: 0,
    userBias: new Float32Array(users),
    itemBias: new Float32Array(items),
    users: normal(users * f),
    items: normal(items * f),
    range: [Infinity, -Infinity],
  };
  const order = Int32Array.from(ratings.positions);
  for (const position of order) {
    model.mean += ratings.rating[position];
    model.range = [Math.min(model.range[0], ratings.rating[position]), Math.max(model.range[1], ratings.rating[position])];
  }
  model.mean /= order.length || 1;
  const { learningRate: rate, regularisation: reg } = p;
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const position of order) {
      const u = ratings.user[position];
      const i = ratings.item[position];
      const error = ratings.rating[position] - raw(model, u, i);
      model.userBias[u] += rate * (error - reg * model.userBias[u]);
      model.itemBias[i] += rate * (error - reg * model.itemBias[i]);
      const ub = u * f;
      const ib = i * f;
      for (let k = 0; k < f; k++) {
        const pu = model.users[ub + k];
        const qi = model.items[ib + k];
        model.users[ub + k] += rate * (error * qi - reg * pu);
        model.items[ib + k] += rate * (error * pu - reg * qi);
      }
    }
  }
  return model;
}

function raw(model: SvdModel, user: number, item: number): number {
  const f = model.factors;
  let dot = 0;
  for (let k = 0; k < f; k++) dot += model.users[user * f + k] * model.items[item * f + k];
  return model.mean + model.userBias[user] + model.itemBias[item] + dot;
}

/** The predicted rating, clipped to the range seen in training. */
export function predictRating(model: SvdModel, user: number, item: number): number {
  return Math.min(model.range[1], Math.max(model.range[0], raw(model, user, item)));
}
