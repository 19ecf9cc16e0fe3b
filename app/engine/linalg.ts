import { invertSpdFast } from "./tf/inverse";

export { invertSpd } from "./math/cholesky";

/**
 * EASE's item-item weights (Steck, WWW 2019) from the Gram matrix XᵀX (n × n, row-major):
 * B = I − P·diag(1/diag(P)) with P = (XᵀX + Λ)⁻¹, and a zero diagonal. B[i][j] is how much
 * having item i counts for item j. Λ = λI, plus p/(1 − p)·diag(XᵀX) with a dropout rate p
 * (Steck, "Autoencoders that don't overfit towards the identity", NeurIPS 2020): popular items
 * are regularised more. The Gram matrix is used as scratch space and changed.
 */
export function easeWeights(gram: Float64Array, n: number, lambda: number, dropout = 0): Float32Array {
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`EASE's dropout must be at least 0 and below 1, got ${dropout}`);
  const emphasis = dropout / (1 - dropout);
  for (let i = 0; i < n; i++) gram[i * n + i] += lambda + emphasis * gram[i * n + i];
  const p = n ? invertSpdFast(gram, n) : new Float64Array(0);
  const weights = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j) weights[i * n + j] = -p[i * n + j] / p[j * n + j];
  }
  return weights;
}
