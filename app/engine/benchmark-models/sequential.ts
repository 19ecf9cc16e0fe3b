import { seededRandom } from "../eval/split";
import { tf } from "../tf/backend";
import { matMul, sparseMatMul, type SparseMatrix } from "../tf/ops";

/**
 * A sequential next-item model in the manner of GRU4Rec (Hidasi et al., ICLR 2016): each
 * shopper's items in time order go through a GRU, and after each one the hidden state scores
 * every item as the next (softmax over the catalogue, output embeddings tied to the input ones).
 * A shopper's recommendations are the scores after their whole sequence (its last `maxLength`).
 */
export interface SequentialParams {
  dimensions?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** The most recent items of a sequence that are read. */
  maxLength?: number;
  l2?: number;
  seed?: number;
}

export const SEQUENTIAL_DEFAULTS: Required<SequentialParams> = {
  dimensions: 64,
  epochs: 10,
  batchSize: 64,
  learningRate: 0.003,
  maxLength: 30,
  l2: 1e-5,
  seed: 42,
};
/**
 * The benchmarks fit the GRU at one length (bench/quality.ts), 8 epochs, shorter than
 * SEQUENTIAL_DEFAULTS.epochs (10): its training is the slowest of them all.
 */
export const SEQUENTIAL_EPOCH_GRID = [8];

export interface SequentialWeights {
  dimensions: number;
  items: number;
  /** Item embeddings (items × d), read as input and as output. */
  embeddings: Float32Array;
  outputBias: Float32Array;
  /** Gates z, r and the candidate h, side by side: input (d × 3d), recurrent (d × 3d), bias (3d). */
  input: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
}

export function fitSequential(
  sequences: Int32Array[],
  items: number,
  params: SequentialParams = {},
  onProgress?: (fraction: number, loss: number) => void,
): SequentialWeights {
  const p = { ...SEQUENTIAL_DEFAULTS, ...params };
  const d = p.dimensions;
  const random = seededRandom(p.seed);
  const normal = (count: number, scale: number) =>
    Float32Array.from({ length: count }, () => scale * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  const v = {
    embeddings: tf.variable(tf.tensor2d(normal(items * d, 1 / Math.sqrt(d)), [items, d])),
    outputBias: tf.variable(tf.zeros([items])),
    input: tf.variable(tf.tensor2d(normal(d * 3 * d, 1 / Math.sqrt(d)), [d, 3 * d])),
    recurrent: tf.variable(tf.tensor2d(normal(d * 3 * d, 1 / Math.sqrt(d)), [d, 3 * d])),
    bias: tf.variable(tf.zeros([3 * d])),
  };
  const optimizer = tf.train.adam(p.learningRate);
  const usable = sequences
    .map((sequence) => sequence.subarray(Math.max(0, sequence.length - p.maxLength - 1)))
    .filter((sequence) => sequence.length >= 2);
  const steps = Math.ceil(usable.length / p.batchSize);
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    for (let i = usable.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [usable[i], usable[j]] = [usable[j], usable[i]];
    }
    let epochLoss = 0;
    for (let step = 0; step < steps; step++) {
      const batch = usable.slice(step * p.batchSize, (step + 1) * p.batchSize);
      const { length, inputs, started, targets, count } = sequenceBatch(batch, items);
      const target = tf.tensor2d(targets, [length * batch.length, items]);
      const loss = optimizer.minimize(() => {
        let hidden: tf.Tensor2D = tf.zeros([batch.length, d]);
        const states: tf.Tensor2D[] = [];
        for (let t = 0; t < length; t++) {
          const next = gruStep(v, sparseMatMul(inputs[t], v.embeddings), hidden, d);
          hidden = tf.add(tf.mul(started[t], next), tf.mul(tf.sub(1, started[t]), hidden)) as tf.Tensor2D;
          states.push(hidden);
        }
        const logits = tf.add(matMul(tf.concat(states, 0), tf.transpose(v.embeddings)), v.outputBias);
        const likelihood = tf.div(tf.sum(tf.mul(target, tf.logSoftmax(logits))), -count);
        const penalty = tf.mul(p.l2, tf.addN(Object.values(v).map((weights) => tf.sum(tf.square(weights)))));
        return tf.add(likelihood, penalty) as tf.Scalar;
      }, true)!;
      epochLoss += loss.dataSync()[0];
      tf.dispose([loss, target, ...started]);
    }
    onProgress?.((epoch + 1) / p.epochs, epochLoss / steps);
  }
  const read = (tensor: tf.Tensor) => tensor.dataSync() as Float32Array;
  const weights: SequentialWeights = {
    dimensions: d,
    items,
    embeddings: read(v.embeddings),
    outputBias: read(v.outputBias),
    input: read(v.input),
    recurrent: read(v.recurrent),
    bias: read(v.bias),
  };
  tf.dispose(Object.values(v));
  optimizer.dispose();
  return weights;
}

/**
 * A batch's inputs step by step, with each next item as the target. Sequences are aligned to the
 * right: position t of a row shorter than `length` is padding until it starts (`started` is 0).
 */
function sequenceBatch(batch: Int32Array[], items: number) {
  const length = Math.max(...batch.map((sequence) => sequence.length)) - 1;
  const inputs: SparseMatrix[] = [];
  const started: tf.Tensor2D[] = [];
  const targets = new Float32Array(length * batch.length * items);
  let count = 0;
  for (let t = 0; t < length; t++) {
    const rowStart = new Int32Array(batch.length + 1);
    const cols: number[] = [];
    const mask = new Float32Array(batch.length);
    batch.forEach((sequence, row) => {
      const offset = t - (length - (sequence.length - 1));
      if (offset >= 0) {
        cols.push(sequence[offset]);
        mask[row] = 1;
        targets[(t * batch.length + row) * items + sequence[offset + 1]] = 1;
        count++;
      }
      rowStart[row + 1] = cols.length;
    });
    inputs.push({ rows: batch.length, rowStart, cols: Int32Array.from(cols), values: new Float32Array(cols.length).fill(1) });
    started.push(tf.tensor2d(mask, [batch.length, 1]));
  }
  return { length, inputs, started, targets, count };
}

/** One GRU step: z, r = σ(x Wz + h Uz + bz), σ(…); ĥ = tanh(x Wh + (r ⊙ h) Uh + bh); h' = (1 − z) ⊙ h + z ⊙ ĥ. */
function gruStep(
  v: { input: tf.Variable; recurrent: tf.Variable; bias: tf.Variable },
  x: tf.Tensor2D,
  hidden: tf.Tensor2D,
  d: number,
): tf.Tensor2D {
  const fromInput = tf.add(matMul(x, v.input), v.bias);
  const [inputGates, inputCandidate] = tf.split(fromInput, [2 * d, d], 1);
  const [recurrentGates, recurrentCandidate] = tf.split(v.recurrent, [2 * d, d], 1);
  const gates = tf.sigmoid(tf.add(inputGates, matMul(hidden, recurrentGates)));
  const [update, reset] = tf.split(gates, 2, 1);
  const candidate = tf.tanh(tf.add(inputCandidate, matMul(tf.mul(reset, hidden), recurrentCandidate)));
  return tf.add(tf.mul(tf.sub(1, update), hidden), tf.mul(update, candidate)) as tf.Tensor2D;
}

/** The hidden state after a sequence, in plain arithmetic (the same step as training). */
export function sequenceState(
  weights: SequentialWeights,
  sequence: ArrayLike<number>,
  maxLength = SEQUENTIAL_DEFAULTS.maxLength,
): Float32Array {
  const d = weights.dimensions;
  const width = 3 * d;
  let hidden = new Float32Array(d);
  const fromInput = new Float32Array(width);
  const fromHidden = new Float32Array(width);
  for (let s = Math.max(0, sequence.length - maxLength); s < sequence.length; s++) {
    const base = sequence[s] * d;
    fromInput.set(weights.bias);
    for (let a = 0; a < d; a++) {
      const value = weights.embeddings[base + a];
      for (let b = 0; b < width; b++) fromInput[b] += value * weights.input[a * width + b];
    }
    fromHidden.fill(0);
    for (let a = 0; a < d; a++) for (let b = 0; b < 2 * d; b++) fromHidden[b] += hidden[a] * weights.recurrent[a * width + b];
    const update = new Float32Array(d);
    const reset = new Float32Array(d);
    for (let k = 0; k < d; k++) {
      update[k] = sigmoid(fromInput[k] + fromHidden[k]);
      reset[k] = sigmoid(fromInput[d + k] + fromHidden[d + k]);
    }
    const next = new Float32Array(d);
    for (let b = 0; b < d; b++) {
      let candidate = fromInput[2 * d + b];
      for (let a = 0; a < d; a++) candidate += reset[a] * hidden[a] * weights.recurrent[a * width + 2 * d + b];
      next[b] = (1 - update[b]) * hidden[b] + update[b] * Math.tanh(candidate);
    }
    hidden = next;
  }
  return hidden;
}

function sigmoid(x: number) {
  return 1 / (1 + Math.exp(-x));
}

/** Every item's score as the next one after the state. */
export function nextItemScores(weights: SequentialWeights, state: Float32Array, out: Float32Array) {
  const d = weights.dimensions;
  for (let item = 0; item < weights.items; item++) {
    let sum = weights.outputBias[item];
    for (let k = 0; k < d; k++) sum += state[k] * weights.embeddings[item * d + k];
    out[item] = sum;
  }
}
