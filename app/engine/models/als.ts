import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { seededRandom } from "../eval/split";

/**
 * Implicit-feedback matrix factorisation by alternating least squares (Hu, Koren and Volinsky,
 * "Collaborative Filtering for Implicit Feedback Datasets", ICDM 2008), each least-squares
 * problem solved approximately by a few conjugate-gradient steps from the previous solution
 * (Takács, Pilászy and Tikk, RecSys 2011), as the `implicit` library does on CPUs.
 *
 * Every unobserved (user, item) counts as a zero with confidence 1; an observed one as a one
 * with confidence 1 + alpha · weight. Costs per iteration: nnz · factors · (cgSteps + 1) for the
 * observed entries plus (users + items) · factors² · cgSteps for the Gram matrix.
 */
/**
 * Defaults (factors 32, lambda 50, alpha 5, 15 iterations, 3 CG steps) are the best of the
 * harness's validation grid on MovieLens 100k; 64 factors scored the same (README).
 */
export interface AlsParams {
  factors?: number;
  /** L2 regularisation on every factor. */
  lambda?: number;
  /** Confidence of an observed interaction: 1 + alpha · weight. */
  alpha?: number;
  iterations?: number;
  cgSteps?: number;
  seed?: number;
}

export const ALS_DEFAULTS: Required<AlsParams> = { factors: 32, lambda: 50, alpha: 5, iterations: 15, cgSteps: 3, seed: 42 };
/** The confidences the benchmarks try on validation (bench/quality.ts), the other settings at ALS_DEFAULTS. */
export const ALS_ALPHA_GRID = [5, 10, 20];

/** Rows of a sparse matrix: entries of row r are cols/weights[rowStart[r] .. rowStart[r+1]). */
export interface SparseRows {
  rows: number;
  columns: number;
  rowStart: Int32Array;
  cols: Int32Array;
  /** Interaction weights (1 when absent). */
  weights?: Float32Array;
}

export interface AlsFactors {
  factors: number;
  users: Float32Array;
  items: Float32Array;
}

/** The transpose of a sparse matrix (items × users from users × items). */
export function transpose(matrix: SparseRows): SparseRows {
  const counts = new Int32Array(matrix.columns + 1);
  for (const column of matrix.cols) counts[column + 1]++;
  for (let c = 0; c < matrix.columns; c++) counts[c + 1] += counts[c];
  const rowStart = Int32Array.from(counts);
  const cols = new Int32Array(matrix.cols.length);
  const weights = new Float32Array(matrix.cols.length);
  const next = Int32Array.from(counts);
  for (let r = 0; r < matrix.rows; r++) {
    for (let p = matrix.rowStart[r]; p < matrix.rowStart[r + 1]; p++) {
      const target = next[matrix.cols[p]]++;
      cols[target] = r;
      weights[target] = matrix.weights?.[p] ?? 1;
    }
  }
  return { rows: matrix.columns, columns: matrix.rows, rowStart, cols, weights };
}

export function fitAls(userRows: SparseRows, params: AlsParams = {}, onProgress?: (fraction: number) => void): AlsFactors {
  const p = { ...ALS_DEFAULTS, ...params };
  const f = p.factors;
  const random = seededRandom(p.seed);
  const init = (count: number) => Float32Array.from({ length: count * f }, () => (random() - 0.5) * (0.1 / Math.sqrt(f)));
  const users = init(userRows.rows);
  const items = init(userRows.columns);
  const itemRows = transpose(userRows);
  for (let iteration = 0; iteration < p.iterations; iteration++) {
    solveSide(users, items, userRows, p);
    solveSide(items, users, itemRows, p);
    onProgress?.((iteration + 1) / p.iterations);
  }
  return { factors: f, users, items };
}

/**
 * One half-iteration: every row's factors (X) re-solved against the other side's (Y), fixed:
 * (YᵀY + Yᵀ(C − I)Y + λI) x = Yᵀ C p, by `cgSteps` conjugate-gradient steps from the current x.
 */
function solveSide(x: Float32Array, y: Float32Array, rows: SparseRows, p: Required<AlsParams>) {
  solveRows(
    x,
    y,
    rows.rowStart,
    rows.cols,
    rows.weights ?? null,
    gramOf(y, p.factors, p.lambda),
    p.factors,
    p.alpha,
    p.cgSteps,
    0,
    rows.rows,
  );
}

/**
 * The conjugate-gradient solves of rows [from, to), given the Gram matrix YᵀY + λI. Self-contained
 * (it calls `multiply` and `dotAt` only), because the parallel fit runs their source in worker threads.
 */
function solveRows(
  x: Float32Array,
  y: Float32Array,
  rowStart: Int32Array,
  cols: Int32Array,
  weights: Float32Array | null,
  gram: Float64Array,
  f: number,
  alpha: number,
  cgSteps: number,
  from: number,
  to: number,
) {
  const r = new Float64Array(f);
  const direction = new Float64Array(f);
  const ap = new Float64Array(f);
  const xu = new Float64Array(f);
  for (let row = from; row < to; row++) {
    const start = rowStart[row];
    const end = rowStart[row + 1];
    const base = row * f;
    for (let k = 0; k < f; k++) xu[k] = x[base + k];
    // r = b − A·x, with b = Σ c·y_i and A·x = (YᵀY + λI)·x + Σ (c − 1)(y_i·x) y_i.
    multiply(gram, xu, r, f);
    for (let k = 0; k < f; k++) r[k] = -r[k];
    for (let e = start; e < end; e++) {
      const item = cols[e] * f;
      const extra = alpha * (weights ? weights[e] : 1);
      const scale = 1 + extra - extra * dotAt(y, item, xu, f);
      for (let k = 0; k < f; k++) r[k] += scale * y[item + k];
    }
    for (let k = 0; k < f; k++) direction[k] = r[k];
    let rsOld = 0;
    for (let k = 0; k < f; k++) rsOld += r[k] * r[k];
    for (let step = 0; step < cgSteps && rsOld > 1e-20; step++) {
      multiply(gram, direction, ap, f);
      for (let e = start; e < end; e++) {
        const item = cols[e] * f;
        const scale = alpha * (weights ? weights[e] : 1) * dotAt(y, item, direction, f);
        for (let k = 0; k < f; k++) ap[k] += scale * y[item + k];
      }
      let pAp = 0;
      for (let k = 0; k < f; k++) pAp += direction[k] * ap[k];
      const stepSize = rsOld / pAp;
      let rsNew = 0;
      for (let k = 0; k < f; k++) {
        xu[k] += stepSize * direction[k];
        r[k] -= stepSize * ap[k];
        rsNew += r[k] * r[k];
      }
      const beta = rsNew / rsOld;
      for (let k = 0; k < f; k++) direction[k] = r[k] + beta * direction[k];
      rsOld = rsNew;
    }
    for (let k = 0; k < f; k++) x[base + k] = xu[k];
  }
}

/**
 * `fitAls` on worker threads: each half-iteration's rows are split between `threads` workers by
 * their cost (f² per CG step plus f per stored entry), over factors in shared memory, so the
 * result is the same as `fitAls`'s to the last bit. Default: one thread per core.
 */
export async function fitAlsParallel(
  userRows: SparseRows,
  params: AlsParams = {},
  options: { threads?: number; onProgress?: (fraction: number) => void } = {},
): Promise<AlsFactors> {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  if (threads === 1) return fitAls(userRows, params, options.onProgress);
  const p = { ...ALS_DEFAULTS, ...params };
  const f = p.factors;
  const shared = <T extends Float32Array | Float64Array | Int32Array>(
    make: (buffer: SharedArrayBuffer, length: number) => T,
    source: ArrayLike<number>,
    bytes: number,
  ) => {
    const array = make(new SharedArrayBuffer(Math.max(1, source.length) * bytes), source.length);
    array.set(source as never);
    return array;
  };
  const floats = (source: ArrayLike<number>) => shared((buffer, length) => new Float32Array(buffer, 0, length), source, 4);
  const ints = (source: ArrayLike<number>) => shared((buffer, length) => new Int32Array(buffer, 0, length), source, 4);
  const serial = fitAls(userRows, { ...p, iterations: 0 });
  const users = floats(serial.users);
  const items = floats(serial.items);
  const itemRows = transpose(userRows);
  const sides = [userRows, itemRows].map((rows) => ({
    rows: rows.rows,
    rowStart: ints(rows.rowStart),
    cols: ints(rows.cols),
    weights: rows.weights ? floats(rows.weights) : null,
  }));
  const gram = new Float64Array(new SharedArrayBuffer(f * f * 8));
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_SOURCE, { eval: true }));
  const run = (worker: Worker, message: object) =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        worker.off("error", failed);
        resolve();
      };
      const failed = (error: Error) => {
        worker.off("message", done);
        reject(error);
      };
      worker.once("message", done);
      worker.once("error", failed);
      worker.postMessage(message);
    });
  try {
    for (let iteration = 0; iteration < p.iterations; iteration++) {
      for (const [side, x, y] of [
        [sides[0], users, items],
        [sides[1], items, users],
      ] as const) {
        gram.set(gramOf(y, f, p.lambda));
        const bounds = splitByCost(side.rowStart, threads, f * f * p.cgSteps, f * (p.cgSteps + 1));
        await Promise.all(
          workers.map((worker, index) =>
            run(worker, {
              x,
              y,
              rowStart: side.rowStart,
              cols: side.cols,
              weights: side.weights,
              gram,
              f,
              alpha: p.alpha,
              cgSteps: p.cgSteps,
              from: bounds[index],
              to: bounds[index + 1],
            }),
          ),
        );
      }
      options.onProgress?.((iteration + 1) / p.iterations);
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return { factors: f, users: Float32Array.from(users), items: Float32Array.from(items) };
}

/** Row bounds that give each of `parts` workers about the same cost: perRow + perEntry · entries. */
function splitByCost(rowStart: Int32Array, parts: number, perRow: number, perEntry: number): number[] {
  const rows = rowStart.length - 1;
  const total = rows * perRow + rowStart[rows] * perEntry;
  const bounds = [0];
  for (let row = 0; row < rows && bounds.length < parts; row++) {
    if ((row + 1) * perRow + rowStart[row + 1] * perEntry >= (total * bounds.length) / parts) bounds.push(row + 1);
  }
  while (bounds.length <= parts) bounds.push(rows);
  return bounds;
}

/** A worker that solves the rows it is sent: `solveRows` and `multiply`, by their own source. */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const __name = (target) => target;
${multiply.toString()}
${dotAt.toString()}
${solveRows.toString()}
parentPort.on("message", (m) => {
  solveRows(m.x, m.y, m.rowStart, m.cols, m.weights, m.gram, m.f, m.alpha, m.cgSteps, m.from, m.to);
  parentPort.postMessage("done");
});
`;

/** YᵀY + λI (f × f). */
function gramOf(y: Float32Array, f: number, lambda: number): Float64Array {
  const gram = new Float64Array(f * f);
  const count = y.length / f;
  for (let row = 0; row < count; row++) {
    const base = row * f;
    for (let a = 0; a < f; a++) {
      const value = y[base + a];
      if (value === 0) continue;
      const line = a * f;
      for (let b = a; b < f; b++) gram[line + b] += value * y[base + b];
    }
  }
  for (let a = 0; a < f; a++) {
    gram[a * f + a] += lambda;
    for (let b = 0; b < a; b++) gram[a * f + b] = gram[b * f + a];
  }
  return gram;
}

/** y[offset .. offset + f) · v, four products at a time. */
function dotAt(y: Float32Array, offset: number, v: Float64Array, f: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < f; k += 4) {
    s0 += y[offset + k] * v[k];
    s1 += y[offset + k + 1] * v[k + 1];
    s2 += y[offset + k + 2] * v[k + 2];
    s3 += y[offset + k + 3] * v[k + 3];
  }
  for (; k < f; k++) s0 += y[offset + k] * v[k];
  return s0 + s1 + s2 + s3;
}

/** out = M·v for a symmetric f × f matrix, four products at a time. */
function multiply(matrix: Float64Array, vector: Float64Array, out: Float64Array, f: number) {
  for (let a = 0; a < f; a++) {
    const line = a * f;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let b = 0;
    for (; b + 3 < f; b += 4) {
      s0 += matrix[line + b] * vector[b];
      s1 += matrix[line + b + 1] * vector[b + 1];
      s2 += matrix[line + b + 2] * vector[b + 2];
      s3 += matrix[line + b + 3] * vector[b + 3];
    }
    for (; b < f; b++) s0 += matrix[line + b] * vector[b];
    out[a] = s0 + s1 + s2 + s3;
  }
}

/** Every item's score for one user: the dot product of their factors. */
export function scoreAll(model: AlsFactors, user: number, out: Float32Array) {
  const f = model.factors;
  const base = user * f;
  const count = model.items.length / f;
  for (let item = 0; item < count; item++) {
    let sum = 0;
    const itemBase = item * f;
    for (let k = 0; k < f; k++) sum += model.users[base + k] * model.items[itemBase + k];
    out[item] = sum;
  }
}
