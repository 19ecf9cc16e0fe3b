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
