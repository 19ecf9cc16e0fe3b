import type { Dataset } from "./dataset";
import { AlsModel } from "./models/als-model";
import { BuyAgainModel } from "./models/buy-again";
import { ContentModel } from "./models/content";
import { CooccurrenceModel } from "./models/cooccurrence";
import { EaseModel } from "./models/ease";
import { HybridModel } from "./models/hybrid";
import { PopularityModel } from "./models/popularity";
import type { FitOptions, Recommender } from "./types";

interface ModelClass {
  modelName: string;
  modelVersion: number;
  fit(dataset: Dataset, params?: object, options?: FitOptions): Recommender;
  /** Reads the state `toJSON` wrote in any version up to `modelVersion`, and throws naming an unknown one. */
  fromJSON(state: unknown, version: unknown): Recommender;
}

const MODELS: ModelClass[] = [PopularityModel, CooccurrenceModel, BuyAgainModel, EaseModel, AlsModel, ContentModel, HybridModel];

export const MODEL_NAMES = MODELS.map((model) => model.modelName);

function modelClass(name: string): ModelClass {
  const found = MODELS.find((model) => model.modelName === name);
  if (!found) throw new Error(`Unknown model "${name}"; known models: ${MODEL_NAMES.join(", ")}`);
  return found;
}

export function fitModel(name: string, dataset: Dataset, params: object = {}, options: FitOptions = {}): Recommender {
  return modelClass(name).fit(dataset, params, options);
}

/**
 * A model as bytes: a JSON header line with its name and version, then its state as JSON. The
 * version is the shape of that state: each model reads its older versions (its `fromJSON`), so
 * artifacts stored by earlier builds keep loading.
 */
export function serializeModel(model: Recommender): Uint8Array<ArrayBuffer> {
  const header = JSON.stringify({ name: model.name, version: model.version });
  return new TextEncoder().encode(`${header}\n${JSON.stringify(model.toJSON())}`);
}

export function deserializeModel(bytes: Uint8Array): Recommender {
  const text = new TextDecoder().decode(bytes);
  const newline = text.indexOf("\n");
  let header: { name?: unknown; version?: unknown };
  try {
    header = JSON.parse(newline < 0 ? text : text.slice(0, newline));
  } catch {
    throw new Error("Not a serialized model: the first line must be a JSON header with its name and version");
  }
  // A header without a version is refused as one of an unknown version, not read as the current one.
  const version = header.version === undefined ? "none" : header.version;
  return modelClass(String(header.name)).fromJSON(JSON.parse(text.slice(newline + 1)), version);
}
