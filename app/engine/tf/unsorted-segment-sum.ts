import { registerKernel, util, type KernelConfig, type TensorInfo, type UnsortedSegmentSumAttrs } from "@tensorflow/tfjs-core";

/** The parts of the wasm backend a kernel written in TypeScript uses (see tfjs-backend-wasm's BackendWasm). */
interface WasmBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: "float32" | "int32"): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array;
}

/**
 * out[s, …] = Σ x[i, …] over the i with segmentIds[i] = s, for s in [0, numSegments); ids out of
 * range are dropped, as TensorFlow does. It is the gradient of `gather`, which is how embeddings
 * learn, and the wasm backend ships no kernel for it. One pass over x: O(x.size).
 */
export function unsortedSegmentSum(
  values: ArrayLike<number>,
  segmentIds: ArrayLike<number>,
  numSegments: number,
  out: Float32Array | Int32Array,
) {
  const inner = segmentIds.length ? values.length / segmentIds.length : 0;
  out.fill(0);
  for (let i = 0; i < segmentIds.length; i++) {
    const segment = segmentIds[i];
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * inner;
    const to = segment * inner;
    for (let j = 0; j < inner; j++) out[to + j] += values[from + j];
  }
}

const wasmUnsortedSegmentSumConfig: KernelConfig = {
  kernelName: "UnsortedSegmentSum",
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
    const wasm = backend as unknown as WasmBackend;
    const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const out = wasm.makeOutput(shape, x.dtype === "int32" ? "int32" : "float32");
    if (util.sizeFromShape(shape) > 0)
      unsortedSegmentSum(wasm.readSync(x.dataId), wasm.readSync(segmentIds.dataId), numSegments, wasm.typedArrayFromHeap(out));
    return out;
  },
};

let registered = false;
/** Registers the kernel for the wasm backend (once per process). */
export function registerWasmUnsortedSegmentSum() {
  if (registered) return;
  registerKernel(wasmUnsortedSegmentSumConfig);
  registered = true;
}
