import { describe, expect, it } from "vitest";
import { seededRandom } from "../eval/split";
import { easeWeights, invertSpd } from "../linalg";
import { useTfBackend } from "./backend";
import { invertSpdFast } from "./inverse";

/** A Gram matrix of random baskets (popular items more often) plus λ on the diagonal, as EASE inverts. */
function gramPlusLambda(n: number, lambda: number): Float64Array {
  const random = seededRandom(5);
  const g = new Float64Array(n * n);
  for (let row = 0; row < n * 4; row++) {
    const items = [...new Set(Array.from({ length: 12 }, () => Math.floor(n * random() ** 2)))];
    for (const a of items) for (const b of items) g[a * n + b]++;
  }
  for (let i = 0; i < n; i++) g[i * n + i] += lambda;
  return g;
}

describe("the blocked SPD inverse on TensorFlow.js", () => {
  it("inverts a 700 × 700 Gram matrix as the double-precision Cholesky inverse does, within single precision", async () => {
    expect(await useTfBackend("wasm")).toBe("wasm");
    const n = 700;
    const a = gramPlusLambda(n, 50);
    const exact = invertSpd(Float64Array.from(a), n);
    const fast = invertSpdFast(Float64Array.from(a), n);
    expect(fast).toBeInstanceOf(Float32Array);
    let largest = 0;
    let error = 0;
    for (let i = 0; i < n * n; i++) {
      largest = Math.max(largest, Math.abs(exact[i]));
      error = Math.max(error, Math.abs(fast[i] - exact[i]));
    }
    expect(error / largest).toBeLessThan(1e-5);
    // A · A⁻¹ = I, row by row for a sample of rows.
    for (const i of [0, 1, 350, 699]) {
      for (let j = 0; j < n; j += 7) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += a[i * n + k] * fast[k * n + j];
        expect(sum).toBeCloseTo(i === j ? 1 : 0, 4);
      }
    }
  });

  it("gives EASE the same strongest neighbours as the exact inverse", async () => {
    await useTfBackend("wasm");
    const n = 600;
    const fast = easeWeights(gramPlusLambda(n, 250), n, 0);
    // The JavaScript path, in double precision: what a process without a fast backend computes.
    await useTfBackend("cpu");
    const exact = easeWeights(gramPlusLambda(n, 250), n, 0);
    await useTfBackend("wasm");
    let differing = 0;
    for (let i = 0; i < n; i++) {
      const top = (weights: Float32Array) =>
        [...weights.subarray(i * n, (i + 1) * n).keys()].sort((x, y) => weights[i * n + y] - weights[i * n + x]).slice(0, 5);
      if (top(fast).join() !== top(exact).join()) differing++;
      for (let j = 0; j < n; j++) expect(Math.abs(fast[i * n + j] - exact[i * n + j])).toBeLessThan(1e-5);
    }
    expect(differing).toBeLessThan(n / 100);
  });
});
