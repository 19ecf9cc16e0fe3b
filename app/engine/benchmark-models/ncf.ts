import { seededRandom } from "../eval/split";
import { tf } from "../tf/backend";
import { matMul, sparseMatMul, type SparseMatrix } from "../tf/ops";

/**
 * Neural collaborative filtering, NeuMF (He et al., "Neural Collaborative Filtering", WWW 2017):
 * a generalised matrix factorisation branch (user ⊙ item embeddings) and an MLP branch over the
 * concatenated user and item embeddings (two ReLU layers), joined by one output unit, trained
 * with a logistic loss on each observed pair against `negatives` unobserved items drawn
 * uniformly per positive. Embedding lookups are one-hot sparse products (`sparseMatMul`).
 */
export interface NcfParams {
  /** Embedding size of each branch. */
  dimensions?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  negatives?: number;
  l2?: number;
  seed?: number;
}

export const NCF_DEFAULTS: Required<NcfParams> = {
  dimensions: 32,
  epochs: 10,
  batchSize: 2048,
  learningRate: 0.002,
  negatives: 4,
  l2: 1e-6,
  seed: 42,
};
/** The benchmarks fit NeuMF at its default length only (bench/quality.ts): its training is among the slowest. */
export const NCF_EPOCH_GRID = [NCF_DEFAULTS.epochs];

export interface NcfWeights {
  dimensions: number;
  gmfUsers: Float32Array;
  gmfItems: Float32Array;
  mlpUsers: Float32Array;
  mlpItems: Float32Array;
  /** Layers of the MLP branch: 2d → d → d/2, then the output over [gmf (d), mlp (d/2)]. */
  layers: { weights: Float32Array; bias: Float32Array; rows: number; columns: number }[];
}

export function fitNcf(
  data: { users: number; items: number; rowStart: Int32Array; cols: Int32Array },
  params: NcfParams = {},
  onProgress?: (fraction: number, loss: number) => void,
): NcfWeights {
  const p = { ...NCF_DEFAULTS, ...params };
  const d = p.dimensions;
  const random = seededRandom(p.seed);
  const normal = (count: number, scale: number) =>
    Float32Array.from({ length: count }, () => scale * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  const table = (rows: number, columns: number, scale = 0.01) => tf.variable(tf.tensor2d(normal(rows * columns, scale), [rows, columns]));
  const dense = (rows: number, columns: number) => ({
    weights: table(rows, columns, Math.sqrt(2 / rows)),
    bias: tf.variable(tf.zeros([columns])),
  });
  const v = {
    gmfUsers: table(data.users, d),
    gmfItems: table(data.items, d),
    mlpUsers: table(data.users, d),
    mlpItems: table(data.items, d),
    layers: [dense(2 * d, d), dense(d, d / 2), dense(d + d / 2, 1)],
  };
  const variables = [v.gmfUsers, v.gmfItems, v.mlpUsers, v.mlpItems, ...v.layers.flatMap((layer) => [layer.weights, layer.bias])];
  const optimizer = tf.train.adam(p.learningRate);
  const positives = data.cols.length;
  const userOf = new Int32Array(positives);
  for (let u = 0; u < data.users; u++) userOf.fill(u, data.rowStart[u], data.rowStart[u + 1]);
  const has = (user: number, item: number) => rowHas(data, user, item);
  const order = Int32Array.from({ length: positives }, (_, i) => i);
  const perStep = Math.max(1, Math.floor(p.batchSize / (1 + p.negatives)));
  const steps = Math.ceil(positives / perStep);
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let epochLoss = 0;
    for (let step = 0; step < steps; step++) {
      const users: number[] = [];
      const items: number[] = [];
      const labels: number[] = [];
      for (const position of order.subarray(step * perStep, (step + 1) * perStep)) {
        const user = userOf[position];
        (users.push(user), items.push(data.cols[position]), labels.push(1));
        for (let n = 0; n < p.negatives; n++) {
          let item = Math.floor(random() * data.items);
          while (has(user, item)) item = Math.floor(random() * data.items);
          (users.push(user), items.push(item), labels.push(0));
        }
      }
      const label = tf.tensor2d(labels, [labels.length, 1]);
      const userRows = oneHot(users);
      const itemRows = oneHot(items);
      const loss = optimizer.minimize(() => {
        const logits = forward(v, userRows, itemRows);
        const penalty = tf.mul(p.l2, tf.addN(variables.map((weights) => tf.sum(tf.square(weights)))));
        return tf.add(tf.losses.sigmoidCrossEntropy(label, logits), penalty) as tf.Scalar;
      }, true)!;
      epochLoss += loss.dataSync()[0];
      tf.dispose([loss, label]);
    }
    onProgress?.((epoch + 1) / p.epochs, epochLoss / steps);
  }
  const weights = readWeights(v, d);
  tf.dispose(variables);
  optimizer.dispose();
  return weights;
}

/** Whether a user's (sorted) row holds the item: binary search. */
function rowHas(data: { rowStart: Int32Array; cols: Int32Array }, user: number, item: number): boolean {
  let low = data.rowStart[user];
  let high = data.rowStart[user + 1] - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (data.cols[middle] === item) return true;
    if (data.cols[middle] < item) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

type NcfVariables = Record<"gmfUsers" | "gmfItems" | "mlpUsers" | "mlpItems", tf.Variable<tf.Rank.R2>> & {
  layers: { weights: tf.Variable<tf.Rank.R2>; bias: tf.Variable }[];
};

/** The trained variables, copied out of TensorFlow.js. */
function readWeights(v: NcfVariables, dimensions: number): NcfWeights {
  const read = (tensor: tf.Tensor) => tensor.dataSync() as Float32Array;
  return {
    dimensions,
    gmfUsers: read(v.gmfUsers),
    gmfItems: read(v.gmfItems),
    mlpUsers: read(v.mlpUsers),
    mlpItems: read(v.mlpItems),
    layers: v.layers.map((layer) => ({
      weights: read(layer.weights),
      bias: read(layer.bias),
      rows: layer.weights.shape[0],
      columns: layer.weights.shape[1],
    })),
  };
}

function oneHot(indices: number[]): SparseMatrix {
  return {
    rows: indices.length,
    rowStart: Int32Array.from({ length: indices.length + 1 }, (_, i) => i),
    cols: Int32Array.from(indices),
    values: new Float32Array(indices.length).fill(1),
  };
}

type Layer = { weights: tf.Variable; bias: tf.Variable };
function forward(
  v: { gmfUsers: tf.Variable; gmfItems: tf.Variable; mlpUsers: tf.Variable; mlpItems: tf.Variable; layers: Layer[] },
  users: SparseMatrix,
  items: SparseMatrix,
): tf.Tensor2D {
  const gmf = tf.mul(sparseMatMul(users, v.gmfUsers), sparseMatMul(items, v.gmfItems));
  let mlp: tf.Tensor = tf.concat([sparseMatMul(users, v.mlpUsers), sparseMatMul(items, v.mlpItems)], 1);
  for (const layer of v.layers.slice(0, -1)) mlp = tf.relu(tf.add(matMul(mlp, layer.weights), layer.bias));
  const output = v.layers[v.layers.length - 1];
  return tf.add(matMul(tf.concat([gmf, mlp], 1), output.weights), output.bias) as tf.Tensor2D;
}

/** Every item's logit for one user, in plain arithmetic. */
export function ncfScores(weights: NcfWeights, user: number, out: Float32Array) {
  const d = weights.dimensions;
  const [first, second, output] = weights.layers;
  const input = new Float32Array(2 * d);
  const hidden = new Float32Array(first.columns);
  const hidden2 = new Float32Array(second.columns);
  input.set(weights.mlpUsers.subarray(user * d, (user + 1) * d));
  const layer = (from: Float32Array, to: Float32Array, l: NcfWeights["layers"][number]) => {
    to.set(l.bias);
    for (let r = 0; r < l.rows; r++) {
      const value = from[r];
      if (value === 0) continue;
      for (let c = 0; c < l.columns; c++) to[c] += value * l.weights[r * l.columns + c];
    }
    for (let c = 0; c < l.columns; c++) if (to[c] < 0) to[c] = 0;
  };
  for (let item = 0; item < out.length; item++) {
    input.set(weights.mlpItems.subarray(item * d, (item + 1) * d), d);
    layer(input, hidden, first);
    layer(hidden, hidden2, second);
    let logit = output.bias[0];
    for (let k = 0; k < d; k++) logit += weights.gmfUsers[user * d + k] * weights.gmfItems[item * d + k] * output.weights[k];
    for (let k = 0; k < hidden2.length; k++) logit += hidden2[k] * output.weights[d + k];
    out[item] = logit;
  }
}
