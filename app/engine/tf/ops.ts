import { tf } from "./backend";

/**
 * a · b whose gradient also multiplies untransposed matrices (dA = dy · bᵀ and dB = aᵀ · dy, each
 * transpose made explicitly). The wasm backend multiplies a transposed operand about ten times
 * slower than a plain one (README, "Neural models"), and `tf.matMul`'s own gradient asks for
 * transposed operands.
 */
export const matMul: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D = tf.customGrad((...args) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy, [savedA, savedB]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(savedB)),
      tf.matMul(tf.transpose(savedA), dy as tf.Tensor2D),
    ],
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/** A constant sparse matrix: the entries of row r are cols/values[rowStart[r] .. rowStart[r+1]). */
export interface SparseMatrix {
  rows: number;
  rowStart: Int32Array;
  cols: Int32Array;
  values: Float32Array;
}

/**
 * sparse · dense, for embedding bags (a history's items, an item's terms): out[r] = Σ value · dense[col]
 * over row r's entries, and the gradient scatters dy back the same way (sparseᵀ · dy). Both run in
 * JavaScript over the entries only, O(entries · columns), on any backend: the wasm backend's
 * gather costs about 4 µs per row (README, "Neural models"), more than all of this.
 */
export function sparseMatMul(sparse: SparseMatrix, dense: tf.Tensor): tf.Tensor2D {
  const op = tf.customGrad((...args) => {
    const x = args[0] as tf.Tensor2D;
    const [tableRows, d] = x.shape;
    const table = x.dataSync();
    const out = new Float32Array(sparse.rows * d);
    for (let r = 0; r < sparse.rows; r++) {
      for (let e = sparse.rowStart[r]; e < sparse.rowStart[r + 1]; e++) {
        const value = sparse.values[e];
        const from = sparse.cols[e] * d;
        const to = r * d;
        for (let k = 0; k < d; k++) out[to + k] += value * table[from + k];
      }
    }
    return {
      value: tf.tensor2d(out, [sparse.rows, d]),
      gradFunc: (dy) => {
        const upstream = (dy as tf.Tensor).dataSync();
        const gradient = new Float32Array(tableRows * d);
        for (let r = 0; r < sparse.rows; r++) {
          for (let e = sparse.rowStart[r]; e < sparse.rowStart[r + 1]; e++) {
            const value = sparse.values[e];
            const from = r * d;
            const to = sparse.cols[e] * d;
            for (let k = 0; k < d; k++) gradient[to + k] += value * upstream[from + k];
          }
        }
        return tf.tensor2d(gradient, [tableRows, d]);
      },
    };
  });
  return op(dense) as tf.Tensor2D;
}
