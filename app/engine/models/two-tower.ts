import { seededRandom } from "../math/random";
import { tf } from "../tf/backend";
import { matMul, sparseMatMul, type SparseMatrix } from "../tf/ops";

/**
 * The hybrid content + collaborative model: two towers trained with a softmax over the catalogue
 * (TensorFlow.js, on whichever backend `useTfBackend` chose).
 *
 * - Item tower: an id embedding plus a projection of the item's content features (TF-IDF over
 *   its text, genres, …), so that a product nobody has bought yet still has a vector.
 * - User tower: the items in the shopper's history (a bag of input embeddings, scaled by
 *   1/√n) plus a projection of their own features (demographics, location), through a tanh
 *   layer and a linear one.
 * - Score: user · item + item bias. Each step takes a batch of shoppers, hides a random share
 *   of each history from the input (dropout) and asks the softmax over every modelled item to
 *   give back the whole history (the multinomial likelihood of Liang et al., "Variational
 *   Autoencoders for Collaborative Filtering", WWW 2018).
 *
 * Initial weights, batches and dropout come from a seeded generator in JavaScript, so a run is
 * reproducible and two backends start from the same numbers. Scoring needs no TensorFlow: the
 * fitted weights are plain arrays (`userVector`, `scoreItems`).
 */
export interface TwoTowerParams {
  dimensions?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Share of each history hidden from the user tower at every step. */
  dropout?: number;
  /** L2 penalty on every weight. */
  l2?: number;
  seed?: number;
}

/** Chosen on the harness's validation split for MovieLens 100k (README). */
export const TWO_TOWER_DEFAULTS: Required<TwoTowerParams> = {
  dimensions: 64,
  epochs: 15,
  batchSize: 128,
  learningRate: 0.003,
  dropout: 0.5,
  l2: 1e-3,
  seed: 42,
};
/**
 * The training lengths the benchmarks try on validation for the two-tower alone (bench/quality.ts);
 * their blends with EASE, like serving, train TWO_TOWER_DEFAULTS.epochs.
 */
export const TWO_TOWER_EPOCH_GRID = [10, 20];

/** Sparse rows: the entries of row r are cols/values[rowStart[r] .. rowStart[r+1]). */
export interface FeatureRows {
  /** How many distinct features (columns) there are. */
  features: number;
  rowStart: Int32Array;
  cols: Int32Array;
  values: Float32Array;
}

export interface TwoTowerData {
  users: number;
  items: number;
  /** Each user's items (their positive interactions). */
  history: { rowStart: Int32Array; cols: Int32Array };
  itemFeatures?: FeatureRows;
  userFeatures?: FeatureRows;
}

export interface TwoTowerWeights {
  dimensions: number;
  /** Item vectors of the item tower (items × d): id embedding + content projection. */
  itemVectors: Float32Array;
  itemBias: Float32Array;
  /** The user tower. */
  inputEmbeddings: Float32Array;
  userFeatureWeights: Float32Array;
  hiddenBias: Float32Array;
  outputWeights: Float32Array;
  outputBias: Float32Array;
}

export function fitTwoTower(
  data: TwoTowerData,
  params: TwoTowerParams = {},
  onProgress?: (fraction: number, loss: number) => void,
): TwoTowerWeights {
  const p = { ...TWO_TOWER_DEFAULTS, ...params };
  const d = p.dimensions;
  const random = seededRandom(p.seed);
  const normal = (count: number, scale: number) =>
    Float32Array.from({ length: count }, () => scale * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  const n = data.items;
  const itemFeatures = data.itemFeatures ?? emptyRows(n);
  const userFeatures = data.userFeatures ?? emptyRows(data.users);
  const scale = 1 / Math.sqrt(d);
  const variable = (values: Float32Array, shape: number[]) => tf.variable(tf.tensor(values, shape, "float32"));
  const v = {
    inputEmbeddings: variable(normal(n * d, scale), [n, d]),
    userFeatureWeights: variable(normal(Math.max(1, userFeatures.features) * d, scale), [Math.max(1, userFeatures.features), d]),
    hiddenBias: variable(new Float32Array(d), [d]),
    outputWeights: variable(normal(d * d, scale), [d, d]),
    outputBias: variable(new Float32Array(d), [d]),
    // Ids start at zero, so that a product with no interactions is placed by its content alone.
    itemEmbeddings: variable(new Float32Array(n * d), [n, d]),
    itemFeatureWeights: variable(normal(Math.max(1, itemFeatures.features) * d, scale), [Math.max(1, itemFeatures.features), d]),
    itemBias: variable(new Float32Array(n), [n]),
  };
  const itemBag = bagOf(
    itemFeatures,
    Int32Array.from({ length: n }, (_, i) => i),
  );
  const optimizer = tf.train.adam(p.learningRate);
  const users = Int32Array.from({ length: data.users }, (_, u) => u).filter((u) => data.history.rowStart[u + 1] > data.history.rowStart[u]);
  const steps = Math.ceil(users.length / p.batchSize);
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    shuffle(users, random);
    let epochLoss = 0;
    for (let step = 0; step < steps; step++) {
      const batch = users.subarray(step * p.batchSize, (step + 1) * p.batchSize);
      const history = bagOf(
        { features: n, rowStart: data.history.rowStart, cols: data.history.cols, values: ones(data.history.cols.length) },
        batch,
        () => random() >= p.dropout,
        p.dropout,
      );
      const features = bagOf(userFeatures, batch);
      const targets = new Float32Array(batch.length * n);
      batch.forEach((user, row) => {
        for (let e = data.history.rowStart[user]; e < data.history.rowStart[user + 1]; e++) targets[row * n + data.history.cols[e]] = 1;
      });
      const target = tf.tensor2d(targets, [batch.length, n]);
      const loss = optimizer.minimize(() => {
        const user = userTower(v, history, features);
        const items = itemTower(v, itemBag);
        const logits = tf.add(matMul(user, tf.transpose(items)), v.itemBias);
        const likelihood = tf.div(tf.sum(tf.mul(target, tf.logSoftmax(logits))), -batch.length);
        const penalty = tf.mul(p.l2, tf.addN(Object.values(v).map((weights) => tf.sum(tf.square(weights)))));
        return tf.add(likelihood, penalty) as tf.Scalar;
      }, true)!;
      epochLoss += loss.dataSync()[0];
      tf.dispose([loss, target]);
    }
    onProgress?.((epoch + 1) / p.epochs, epochLoss / steps);
  }
  const itemVectors = tf.tidy(() => itemTower(v, itemBag));
  const weights: TwoTowerWeights = {
    dimensions: d,
    itemVectors: itemVectors.dataSync() as Float32Array,
    itemBias: v.itemBias.dataSync() as Float32Array,
    inputEmbeddings: v.inputEmbeddings.dataSync() as Float32Array,
    userFeatureWeights: v.userFeatureWeights.dataSync() as Float32Array,
    hiddenBias: v.hiddenBias.dataSync() as Float32Array,
    outputWeights: v.outputWeights.dataSync() as Float32Array,
    outputBias: v.outputBias.dataSync() as Float32Array,
  };
  tf.dispose([itemVectors, ...Object.values(v)]);
  optimizer.dispose();
  return weights;
}

type Variables = Record<
  | "inputEmbeddings"
  | "userFeatureWeights"
  | "hiddenBias"
  | "outputWeights"
  | "outputBias"
  | "itemEmbeddings"
  | "itemFeatureWeights"
  | "itemBias",
  tf.Variable
>;
type Bag = SparseMatrix;

function userTower(v: Variables, history: Bag, features: Bag): tf.Tensor2D {
  const hidden = tf.tanh(
    tf.add(tf.add(sparseMatMul(history, v.inputEmbeddings), sparseMatMul(features, v.userFeatureWeights)), v.hiddenBias),
  );
  return tf.add(matMul(hidden, v.outputWeights), v.outputBias) as tf.Tensor2D;
}

function itemTower(v: Variables, features: Bag): tf.Tensor2D {
  return tf.add(v.itemEmbeddings, sparseMatMul(features, v.itemFeatureWeights)) as tf.Tensor2D;
}

/**
 * The chosen rows, with the entries `keep` keeps, as a sparse matrix (one row per chosen row). With
 * `dropout` (a history), each row is scaled to unit length and its kept entries by 1/(1 − dropout),
 * so that a full history (scaled by 1/√n, as `userVector` does) has the same expected sum.
 */
function bagOf(rows: FeatureRows, chosen: Int32Array, keep: () => boolean = () => true, dropout?: number): Bag {
  const rowStart = new Int32Array(chosen.length + 1);
  const cols: number[] = [];
  const values: number[] = [];
  chosen.forEach((row, position) => {
    const start = cols.length;
    for (let e = rows.rowStart[row]; e < rows.rowStart[row + 1]; e++) {
      if (!keep()) continue;
      cols.push(rows.cols[e]);
      values.push(rows.values[e]);
    }
    if (dropout !== undefined && cols.length > start) {
      const scale = 1 / (Math.sqrt(rows.rowStart[row + 1] - rows.rowStart[row]) * (1 - dropout));
      for (let e = start; e < cols.length; e++) values[e] *= scale;
    }
    rowStart[position + 1] = cols.length;
  });
  return { rows: chosen.length, rowStart, cols: Int32Array.from(cols), values: Float32Array.from(values) };
}

function emptyRows(rows: number): FeatureRows {
  return { features: 0, rowStart: new Int32Array(rows + 1), cols: new Int32Array(0), values: new Float32Array(0) };
}

function ones(count: number) {
  return new Float32Array(count).fill(1);
}

function shuffle(values: Int32Array, random: () => number) {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
}

/** The user tower in plain arithmetic: a shopper's vector from their items and their own features. */
export function userVector(
  weights: TwoTowerWeights,
  items: ArrayLike<number>,
  features?: { cols: ArrayLike<number>; values: ArrayLike<number> },
): Float32Array {
  const d = weights.dimensions;
  const hidden = Float64Array.from(weights.hiddenBias);
  const scale = items.length ? 1 / Math.sqrt(items.length) : 0;
  for (let e = 0; e < items.length; e++) {
    const base = items[e] * d;
    for (let k = 0; k < d; k++) hidden[k] += scale * weights.inputEmbeddings[base + k];
  }
  if (features) {
    for (let e = 0; e < features.cols.length; e++) {
      const base = features.cols[e] * d;
      for (let k = 0; k < d; k++) hidden[k] += features.values[e] * weights.userFeatureWeights[base + k];
    }
  }
  for (let k = 0; k < d; k++) hidden[k] = Math.tanh(hidden[k]);
  const out = Float32Array.from(weights.outputBias);
  for (let a = 0; a < d; a++) {
    const value = hidden[a];
    const line = a * d;
    for (let b = 0; b < d; b++) out[b] += value * weights.outputWeights[line + b];
  }
  return out;
}

/** out[i] = user · item i + bias i, for every item. */
export function scoreItems(weights: TwoTowerWeights, user: Float32Array, out: Float32Array) {
  const d = weights.dimensions;
  for (let item = 0; item < weights.itemBias.length; item++) {
    let sum = weights.itemBias[item];
    const base = item * d;
    for (let k = 0; k < d; k++) sum += user[k] * weights.itemVectors[base + k];
    out[item] = sum;
  }
}
