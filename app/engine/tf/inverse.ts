import { invertSpd } from "../math/cholesky";
import { activeTfBackend, tf } from "./backend";

/** Below this size a block is inverted in JavaScript, in double precision. */
const LEAF = 256;

/**
 * The inverse of a symmetric positive definite matrix (n × n, row-major). With a native or
 * WebAssembly TensorFlow.js backend in use (`useTfBackend`) and n above 256, by recursive Schur
 * complements whose products run as single-precision matrix products there:
 *
 *   A = [A₁₁ A₁₂; A₂₁ A₂₂], X = A₁₁⁻¹, T = X·A₁₂, S = A₂₂ − A₂₁·T (positive definite too),
 *   A⁻¹ = [X + T·S⁻¹·Tᵀ, −T·S⁻¹; −S⁻¹·Tᵀ, S⁻¹],
 *
 * about 1.3·n³ multiply-adds, nearly all in products that run at 10–15 GFLOP/s on wasm, where
 * `invertSpd`'s loops in JavaScript do under 1 (n = 2,000: 0.8–1.0 s against 12–19 s; n = 3,000:
 * 2.1 s; EASE's weights agree to 1e-7). Otherwise, and for small matrices, `invertSpd`.
 */
export function invertSpdFast(a: Float64Array, n: number): Float64Array | Float32Array {
  const backend = activeTfBackend();
  if (n <= LEAF || (backend !== "wasm" && backend !== "tensorflow")) return invertSpd(a, n);
  const matrix = tf.tensor2d(Float32Array.from(a), [n, n]);
  const inverse = invertBlocks(matrix);
  const values = inverse.dataSync() as Float32Array;
  tf.dispose([matrix, inverse]);
  return values;
}

function invertBlocks(a: tf.Tensor2D): tf.Tensor2D {
  const n = a.shape[0];
  if (n <= LEAF) return tf.tensor2d(Float32Array.from(invertSpd(Float64Array.from(a.dataSync()), n)), [n, n]);
  // Each level frees its own intermediates as it returns. (Inside one tidy around the whole
  // inversion, the same work took four times as long: 4.8 s against 1.0 s for n = 2,000.)
  return tf.tidy(() => {
    const h = Math.floor(n / 2);
    const m = n - h;
    // Explicit transposes: the wasm backend multiplies a transposed operand ten times slower.
    const x = invertBlocks(tf.slice(a, [0, 0], [h, h]));
    const t = tf.matMul(x, tf.slice(a, [0, h], [h, m]));
    const s = tf.sub(tf.slice(a, [h, h], [m, m]), tf.matMul(tf.slice(a, [h, 0], [m, h]), t)) as tf.Tensor2D;
    const y = invertBlocks(s);
    const upperRight = tf.neg(tf.matMul(t, y));
    const upperLeft = tf.sub(x, tf.matMul(upperRight, tf.transpose(t)));
    return tf.concat([tf.concat([upperLeft, upperRight], 1), tf.concat([tf.transpose(upperRight), y], 1)], 0) as tf.Tensor2D;
  });
}
