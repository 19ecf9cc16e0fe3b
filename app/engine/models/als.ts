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
  const f = p.factors;
  const gram = gramOf(y, f, p.lambda);
  const r = new Float64Array(f);
  const direction = new Float64Array(f);
  const ap = new Float64Array(f);
  const xu = new Float64Array(f);
  const { rowStart, cols, weights } = rows;
  const alpha = p.alpha;
  for (let row = 0; row < rows.rows; row++) {
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
      let dot = 0;
      for (let k = 0; k < f; k++) dot += y[item + k] * xu[k];
      const scale = 1 + extra - extra * dot;
      for (let k = 0; k < f; k++) r[k] += scale * y[item + k];
    }
    for (let k = 0; k < f; k++) direction[k] = r[k];
    let rsOld = 0;
    for (let k = 0; k < f; k++) rsOld += r[k] * r[k];
    for (let step = 0; step < p.cgSteps && rsOld > 1e-20; step++) {
      multiply(gram, direction, ap, f);
      for (let e = start; e < end; e++) {
        const item = cols[e] * f;
        let dot = 0;
        for (let k = 0; k < f; k++) dot += y[item + k] * direction[k];
        const scale = alpha * (weights ? weights[e] : 1) * dot;
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
