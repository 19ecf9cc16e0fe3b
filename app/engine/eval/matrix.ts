/** Which items each user has, as compressed rows (CSR): items of user u are cols[rowStart[u] .. rowStart[u+1]). */
export interface UserItems {
  users: number;
  items: number;
  rowStart: Int32Array;
  cols: Int32Array;
}

/** Binary user × item rows from (user, item) pairs; repeats count once; items sorted within a row. */
export function userItems(users: number, items: number, user: ArrayLike<number>, item: ArrayLike<number>, positions: ArrayLike<number>): UserItems {
  const sets: Set<number>[] = Array.from({ length: users }, () => new Set<number>());
  for (let p = 0; p < positions.length; p++) sets[user[positions[p]]].add(item[positions[p]]);
  const rowStart = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) rowStart[u + 1] = rowStart[u] + sets[u].size;
  const cols = new Int32Array(rowStart[users]);
  for (let u = 0; u < users; u++) cols.set([...sets[u]].sort((a, b) => a - b), rowStart[u]);
  return { users, items, rowStart, cols };
}

export function row(matrix: UserItems, user: number): Int32Array {
  return matrix.cols.subarray(matrix.rowStart[user], matrix.rowStart[user + 1]);
}

/** XᵀX: how many users have both items, for every pair (dense, items × items). */
export function gram(matrix: UserItems): Float64Array {
  const n = matrix.items;
  const g = new Float64Array(n * n);
  for (let u = 0; u < matrix.users; u++) {
    const r = row(matrix, u);
    for (let a = 0; a < r.length; a++) {
      const base = r[a] * n;
      for (let b = 0; b < r.length; b++) g[base + r[b]] += 1;
    }
  }
  return g;
}

/**
 * The inverse of a symmetric positive definite matrix (n × n, row-major), by Cholesky
 * factorisation: A = L Lᵀ, A⁻¹ = L⁻ᵀ L⁻¹. Overwrites nothing; about n³ multiply-adds.
 */
export function invertSpd(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const lj = j * n;
    let diagonal = a[lj + j];
    for (let k = 0; k < j; k++) diagonal -= l[lj + k] * l[lj + k];
    if (!(diagonal > 0)) throw new Error(`the matrix is not positive definite (pivot ${j})`);
    const d = Math.sqrt(diagonal);
    l[lj + j] = d;
    for (let i = j + 1; i < n; i++) {
      const li = i * n;
      let sum = a[li + j];
      for (let k = 0; k < j; k++) sum -= l[li + k] * l[lj + k];
      l[li + j] = sum / d;
    }
  }
  // M = L⁻¹ (lower triangular), row by row: M[i][j] = −(Σ_{j≤k<i} L[i][k]·M[k][j]) / L[i][i],
  // accumulated as whole rows of M so that memory is read in order.
  const m = new Float64Array(n * n);
  const sum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const li = i * n;
    sum.fill(0, 0, i);
    for (let k = 0; k < i; k++) {
      const factor = l[li + k];
      if (factor === 0) continue;
      const mk = k * n;
      for (let j = 0; j <= k; j++) sum[j] += factor * m[mk + j];
    }
    const d = l[li + i];
    for (let j = 0; j < i; j++) m[li + j] = -sum[j] / d;
    m[li + i] = 1 / d;
  }
  // A⁻¹ = Mᵀ M: entry (i, j) = Σ_k≥max(i,j) M[k][i] M[k][j]; accumulate by rows of M.
  const inverse = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const mk = k * n;
    for (let i = 0; i <= k; i++) {
      const v = m[mk + i];
      if (v === 0) continue;
      const oi = i * n;
      for (let j = 0; j <= i; j++) inverse[oi + j] += v * m[mk + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inverse[j * n + i] = inverse[i * n + j];
  return inverse;
}
