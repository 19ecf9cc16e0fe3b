import { describe, expect, it } from "vitest";
import { tf, useTfBackend } from "./backend";
import { matMul, sparseMatMul } from "./ops";
import { unsortedSegmentSum } from "./unsorted-segment-sum";

describe("UnsortedSegmentSum on the wasm backend", () => {
  it("sums rows by segment and drops ids out of range, as TensorFlow does", () => {
    const out = new Float32Array(6);
    unsortedSegmentSum([1, 2, 3, 4, 5, 6, 7, 8], [2, 0, 2, -1], 3, out);
    expect([...out]).toEqual([3, 4, 0, 0, 6, 8]);
  });

  it("gives tf.gather a gradient on wasm equal to the cpu backend's", async () => {
    const gradientOn = async (backend: "wasm" | "cpu") => {
      expect(await useTfBackend(backend)).toBe(backend);
      return tf.tidy(() => {
        const table = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
        const indices = tf.tensor1d([3, 1, 3, 0], "int32");
        const weights = tf.tensor2d([1, 10, 100, 1000], [4, 1]);
        return tf
          .grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, indices), weights)))(table)
          .arraySync();
      });
    };
    const wasm = await gradientOn("wasm");
    expect(wasm).toEqual([
      [1000, 1000],
      [10, 10],
      [0, 0],
      [101, 101],
    ]);
    expect(await gradientOn("cpu")).toEqual(wasm);
  });

  it("multiplies and differentiates sparse · dense and plain products on both backends alike", async () => {
    const run = async (backend: "wasm" | "cpu") => {
      await useTfBackend(backend);
      return tf.tidy(() => {
        const sparse = {
          rows: 2,
          rowStart: Int32Array.from([0, 2, 3]),
          cols: Int32Array.from([0, 2, 1]),
          values: Float32Array.from([0.5, 2, 3]),
        };
        const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
        const right = tf.tensor2d([1, -1, 2, 0.5], [2, 2]);
        const f = (x: tf.Tensor) => tf.sum(tf.square(matMul(sparseMatMul(sparse, x), right)));
        return { value: f(table).arraySync(), gradient: tf.grad(f)(table).arraySync() };
      });
    };
    const wasm = await run("wasm");
    const cpu = await run("cpu");
    // sparse · table = [[0.5·1 + 2·5, 0.5·2 + 2·6], [3·3, 3·4]] = [[10.5, 13], [9, 12]].
    const product = [
      [10.5 * 1 + 13 * 2, 10.5 * -1 + 13 * 0.5],
      [9 * 1 + 12 * 2, 9 * -1 + 12 * 0.5],
    ];
    expect(wasm.value).toBeCloseTo(
      product.flat().reduce((sum, value) => sum + value * value, 0),
      3,
    );
    expect(cpu.value).toBeCloseTo(wasm.value as number, 3);
    expect((cpu.gradient as number[][]).flat()).toEqual((wasm.gradient as number[][]).flat().map((value) => expect.closeTo(value, 3)));
  });
});
