import type { Dataset } from "../dataset";
import { invertSpd } from "../linalg";
import { topK } from "../topk";
import type { FitOptions, Recommendation, RecommendRequest, Recommender } from "../types";
import { ALS_DEFAULTS, fitAls, fitAlsParallel, type AlsFactors, type AlsParams, type SparseRows } from "./als";
import { closestSeed, cosines, floatsFromBase64, floatsToBase64, rowNorms } from "./vectors";
import { HistoryIndex, historyFromDataset, historyFromV1, type UserHistory, type UserHistoryV1 } from "./history";
import { unreadableVersion } from "./versions";

/**
 * Implicit ALS (`als.ts`) as a recommender. Only the item factors are kept: a shopper's vector is
 * solved when asked, from their remembered items (or from the context: the product shown, the
 * cart), by the same weighted least squares that training solves ("folding in"). So a new
 * shopper's first views count at once, and forgetting a shopper leaves nothing of them behind.
 *
 * Parameters: those of ALS (ALS_DEFAULTS), and excludePurchased (true).
 */
export interface AlsModelParams extends AlsParams {
  excludePurchased?: boolean;
}

interface AlsState {
  params: Required<AlsModelParams>;
  itemIds: string[];
  factors: number;
  /** Item factors, items × factors, as base64 of their float32 bytes. */
  items: string;
  history: UserHistory;
}

/** Version 1: the same, with the shoppers' history as it was saved then. */
type AlsStateV1 = Omit<AlsState, "history"> & { history: UserHistoryV1 };

export class AlsModel implements Recommender {
  static readonly modelName = "als";
  /** 2: the shoppers' history is flat (UserHistory); fromJSON reads version 1 too. */
  static readonly modelVersion = 2;
  readonly name = AlsModel.modelName;
  readonly version = AlsModel.modelVersion;
  private readonly users: HistoryIndex;
  private readonly items: Float32Array;
  private readonly itemIndex: Map<string, number>;
  /** YᵀY, the part of every fold-in's system that is the same for all shoppers (computed on first use). */
  private gram: Float64Array | null = null;
  /** Lengths of the item factors, for `similar` (computed on first use). */
  private norms: Float64Array | null = null;

  private constructor(private readonly state: AlsState) {
    this.users = new HistoryIndex(state.history);
    this.items = floatsFromBase64(state.items);
    this.itemIndex = new Map(state.itemIds.map((id, index) => [id, index]));
  }

  /** Fits on this thread (tests, small shops). */
  static fit(dataset: Dataset, params: AlsModelParams = {}, options: FitOptions = {}): AlsModel {
    const full = withDefaults(params);
    return AlsModel.from(dataset, full, fitAls(interestRows(dataset), full, options.onProgress));
  }

  /** Fits on worker threads, one per core (training). */
  static async fitParallel(dataset: Dataset, params: AlsModelParams = {}, options: FitOptions = {}): Promise<AlsModel> {
    const full = withDefaults(params);
    return AlsModel.from(dataset, full, await fitAlsParallel(interestRows(dataset), full, { onProgress: options.onProgress }));
  }

  private static from(dataset: Dataset, params: Required<AlsModelParams>, factors: AlsFactors): AlsModel {
    return new AlsModel({
      params,
      itemIds: dataset.items.map((item) => item.id),
      factors: factors.factors,
      items: floatsToBase64(factors.items),
      history: historyFromDataset(dataset),
    });
  }

  static fromJSON(state: unknown, version: unknown = AlsModel.modelVersion): AlsModel {
    switch (version) {
      case 1: {
        const saved = state as AlsStateV1;
        return new AlsModel({ ...saved, history: historyFromV1(saved.history) });
      }
      case 2:
        return new AlsModel(state as AlsState);
      default:
        throw unreadableVersion(AlsModel.modelName, version, AlsModel.modelVersion);
    }
  }

  toJSON(): AlsState {
    return this.state;
  }

  /** Items whose factors point the same way (cosine). */
  similar(itemId: string, k: number, exclude?: Iterable<string>): Recommendation[] {
    const item = this.itemIndex.get(itemId);
    if (item === undefined) return [];
    this.norms ??= rowNorms(this.items, this.state.factors);
    const scores = cosines(this.items, this.state.factors, this.norms, item);
    const skip = new Set([itemId, ...(exclude ?? [])]);
    return topK(scores, k, (index) => skip.has(this.state.itemIds[index]) || scores[index] <= 0).map((index) => ({
      itemId: this.state.itemIds[index],
      score: Math.round(scores[index] * 1e6) / 1e6,
      reason: { kind: "similar", itemId },
    }));
  }

  /** The shopper's (or the context's) vector, folded in, times every item's factors. */
  recommend(request: RecommendRequest): Recommendation[] {
    const exclude = new Set(request.exclude ?? []);
    let seeds: [number, number][];
    if (request.context?.length) {
      seeds = request.context.flatMap((id) => (this.itemIndex.has(id) ? [[this.itemIndex.get(id)!, 1] as [number, number]] : []));
    } else {
      seeds = this.users.interest(request.userId);
      if (this.state.params.excludePurchased) for (const item of this.users.bought(request.userId)) exclude.add(this.state.itemIds[item]);
    }
    if (!seeds.length) return [];
    for (const [item] of seeds) exclude.add(this.state.itemIds[item]);
    const user = this.foldIn(seeds);
    const f = this.state.factors;
    const scores = new Float32Array(this.state.itemIds.length);
    for (let item = 0; item < scores.length; item++) {
      let dot = 0;
      for (let j = 0; j < f; j++) dot += user[j] * this.items[item * f + j];
      scores[item] = dot;
    }
    const reasonKind = request.context?.length ? "similar" : "because_you_bought";
    return topK(scores, request.k, (index) => exclude.has(this.state.itemIds[index]) || scores[index] <= 0).map((index) => ({
      itemId: this.state.itemIds[index],
      score: Math.round(scores[index] * 1e6) / 1e6,
      reason: {
        kind: reasonKind,
        itemId:
          this.state.itemIds[
            closestSeed(
              this.items,
              this.state.factors,
              index,
              seeds.map(([seed]) => seed),
            )
          ],
      },
    }));
  }

  /** x = (YᵀY + Σ α·w·y yᵀ + λI)⁻¹ Σ (1 + α·w) y over the seeds: the shopper's least-squares factors. */
  private foldIn(seeds: [number, number][]): Float64Array {
    const f = this.state.factors;
    const { alpha, lambda } = this.state.params;
    this.gram ??= gramOf(this.items, f);
    const system = Float64Array.from(this.gram);
    const right = new Float64Array(f);
    for (const [item, weight] of seeds) {
      const confidence = alpha * weight;
      for (let a = 0; a < f; a++) {
        const ya = this.items[item * f + a];
        right[a] += (1 + confidence) * ya;
        for (let b = 0; b < f; b++) system[a * f + b] += confidence * ya * this.items[item * f + b];
      }
    }
    for (let a = 0; a < f; a++) system[a * f + a] += lambda;
    const inverse = invertSpd(system, f);
    const x = new Float64Array(f);
    for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) x[a] += inverse[a * f + b] * right[b];
    return x;
  }
}

function withDefaults(params: AlsModelParams): Required<AlsModelParams> {
  return { ...ALS_DEFAULTS, excludePurchased: true, ...params };
}

/** The shoppers' positive interest as sparse rows (items sorted), the interest as the weight. */
export function interestRows(dataset: Dataset): SparseRows {
  const rowStart = new Int32Array(dataset.interest.length + 1);
  const cols: number[] = [];
  const weights: number[] = [];
  dataset.interest.forEach((interest, user) => {
    for (const [item, weight] of [...interest].sort((a, b) => a[0] - b[0])) {
      if (weight <= 0) continue;
      cols.push(item);
      weights.push(weight);
    }
    rowStart[user + 1] = cols.length;
  });
  return {
    rows: dataset.interest.length,
    columns: dataset.items.length,
    rowStart,
    cols: Int32Array.from(cols),
    weights: Float32Array.from(weights),
  };
}

/** YᵀY of the item factors (f × f). */
function gramOf(items: Float32Array, f: number): Float64Array {
  const gram = new Float64Array(f * f);
  for (let item = 0; item < items.length / f; item++) {
    for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) gram[a * f + b] += items[item * f + a] * items[item * f + b];
  }
  return gram;
}
