import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// The node build of tfjs-core registers no gradients; the node build of tfjs-layers registers them all.
import "@tensorflow/tfjs-layers";
import { registerWasmUnsortedSegmentSum } from "./unsorted-segment-sum";

// Production mode: no per-op debug checks, no console notices.
tf.enableProdMode();

export type TfBackendName = "tensorflow" | "wasm" | "cpu";

let active: TfBackendName | null = null;

/** The backend `useTfBackend` chose, or null before it has run in this process. */
export function activeTfBackend(): TfBackendName | null {
  return active;
}

/**
 * The TensorFlow.js backend the neural models train on, chosen once per process: `tfjs-node`
 * (native TensorFlow) where it installed, else WebAssembly, else plain JavaScript. `preferred`
 * (callers pass AFFINITY_TF_BACKEND: tensorflow, wasm or cpu) forces one. Returns the name of the backend in use.
 */
export async function useTfBackend(preferred?: TfBackendName): Promise<TfBackendName> {
  const order: TfBackendName[] = preferred ? [preferred] : ["tensorflow", "wasm", "cpu"];
  for (const name of order) {
    if (tf.getBackend() === name || (await activate(name))) return (active = name);
  }
  throw new Error(
    `TensorFlow.js backend "${preferred}" is not available here; use one of tensorflow (needs @tensorflow/tfjs-node), wasm or cpu`,
  );
}

async function activate(name: TfBackendName): Promise<boolean> {
  try {
    if (name === "tensorflow") {
      // Optional: it downloads libtensorflow when installed, which fails on machines offline.
      const nodeBackend = "@tensorflow/tfjs-node";
      await import(/* @vite-ignore */ nodeBackend);
    } else if (name === "wasm") {
      await import("@tensorflow/tfjs-backend-wasm");
      registerWasmUnsortedSegmentSum();
    }
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

export { tf };
