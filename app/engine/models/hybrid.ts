import { itemsByShoppers, type Dataset } from "../dataset";
import { topK } from "../topk";
import type { FitOptions, Reason, Recommendation, RecommendRequest, Recommender } from "../types";
import { tfidf } from "./content";
import { HistoryIndex, historyFromDataset, historyFromV1, type UserHistory, type UserHistoryV1 } from "./history";
import { unreadableVersion } from "./versions";
import { closestSeed, cosines, floatsFromBase64, floatsToBase64, rowNorms } from "./vectors";
import {
  fitTwoTower,
  scoreItems,
  TWO_TOWER_DEFAULTS,
  userVector,
  type FeatureRows,
  type TwoTowerParams,
  type TwoTowerWeights,
} from "./two-tower";

/**
 * The hybrid content + collaborative model of the product card: the two-tower network of
 * `two-tower.ts` (TensorFlow.js), its item tower reading each product's TF-IDF terms, so a new
 * product nobody has bought is still placed among the ones it resembles. Training needs a
 * TensorFlow.js backend (`useTfBackend`, awaited once per process); answering does not.
 *
 * Parameters (defaults, HYBRID_DEFAULTS): those of the two towers (TWO_TOWER_DEFAULTS), and
 * - maxItems (5,000): the catalogue modelled, products with the most shoppers first, then the rest.
 * - excludePurchased (true): personal recommendations leave out what the shopper bought.
 */
export interface HybridParams extends TwoTowerParams {
  maxItems?: number;
  excludePurchased?: boolean;
}

export const HYBRID_DEFAULTS: Required<HybridParams> = { ...TWO_TOWER_DEFAULTS, maxItems: 5_000, excludePurchased: true };

/** Weight arrays are stored as base64 of their float32 bytes: exact, and a quarter of JSON's size. */
type StoredWeights = { dimensions: number } & Record<Exclude<keyof TwoTowerWeights, "dimensions">, string>;

interface HybridState {
  params: Required<HybridParams>;
  itemIds: string[];
  /** Catalogue index of each modelled item, in the order of the weights. */
  modelled: number[];
  weights: StoredWeights;
  history: UserHistory;
}

/** Version 1: the same, with the shoppers' history as it was saved then. */
type HybridStateV1 = Omit<HybridState, "history"> & { history: UserHistoryV1 };

export class HybridModel implements Recommender {
  static readonly modelName = "hybrid";
  /** 2: the shoppers' history is flat (UserHistory); fromJSON reads version 1 too. */
  static readonly modelVersion = 2;
  readonly name = HybridModel.modelName;
  readonly version = HybridModel.modelVersion;
  private readonly users: HistoryIndex;
  private readonly weights: TwoTowerWeights;
  /** Catalogue index → modelled column, or −1. */
  private readonly column: Int32Array;
  private readonly itemIndex: Map<string, number>;
  /** Lengths of the item vectors, for `similar` (computed on first use). */
  private norms: Float64Array | null = null;

  private constructor(private readonly state: HybridState) {
    this.users = new HistoryIndex(state.history);
    this.weights = decodeWeights(state.weights);
    this.column = new Int32Array(state.itemIds.length).fill(-1);
    state.modelled.forEach((item, column) => (this.column[item] = column));
    this.itemIndex = new Map(state.itemIds.map((id, index) => [id, index]));
  }

  static fit(dataset: Dataset, params: HybridParams = {}, options: FitOptions = {}): HybridModel {
    const full: Required<HybridParams> = { ...HYBRID_DEFAULTS, ...params };
    // Unsold products too: the item tower places them by their words.
    const { modelled, column } = itemsByShoppers(dataset, full.maxItems, true);

    const rowStart = new Int32Array(dataset.interest.length + 1);
    const cols: number[] = [];
    dataset.interest.forEach((interest, user) => {
      for (const [item, weight] of interest) if (weight > 0 && column[item] >= 0) cols.push(column[item]);
      rowStart[user + 1] = cols.length;
    });
    const weights = fitTwoTower(
      {
        users: dataset.interest.length,
        items: modelled.length,
        history: { rowStart, cols: Int32Array.from(cols) },
        itemFeatures: selectRows(tfidf(dataset.items), modelled),
      },
      full,
      (fraction, loss) => options.onProgress?.(fraction, `epoch loss ${loss.toFixed(3)}`),
    );
    return new HybridModel({
      params: full,
      itemIds: dataset.items.map((item) => item.id),
      modelled,
      weights: encodeWeights(weights),
      history: historyFromDataset(dataset),
    });
  }

  static fromJSON(state: unknown, version: unknown = HybridModel.modelVersion): HybridModel {
    switch (version) {
      case 1: {
        const saved = state as HybridStateV1;
        return new HybridModel({ ...saved, history: historyFromV1(saved.history) });
      }
      case 2:
        return new HybridModel(state as HybridState);
      default:
        throw unreadableVersion(HybridModel.modelName, version, HybridModel.modelVersion);
    }
  }

  toJSON(): HybridState {
    return this.state;
  }

  /** Items whose item-tower vectors point the same way (cosine). */
  similar(itemId: string, k: number, exclude?: Iterable<string>): Recommendation[] {
    const item = this.itemIndex.get(itemId);
    const from = item === undefined ? -1 : this.column[item];
    if (from < 0) return [];
    this.norms ??= rowNorms(this.weights.itemVectors, this.weights.dimensions);
    const scores = cosines(this.weights.itemVectors, this.weights.dimensions, this.norms, from);
    return this.rank(scores, k, new Set([itemId, ...(exclude ?? [])]), () => ({ kind: "similar", itemId }));
  }

  /** The user tower over the context (product shown, cart, recent views) or the shopper's history. */
  recommend(request: RecommendRequest): Recommendation[] {
    const exclude = new Set(request.exclude ?? []);
    let seeds: number[];
    let reason: "similar" | "because_you_bought";
    if (request.context?.length) {
      seeds = request.context.map((id) => this.itemIndex.get(id)).filter((item): item is number => item !== undefined);
      reason = "similar";
    } else {
      seeds = this.users.interest(request.userId).map(([item]) => item);
      if (this.state.params.excludePurchased) for (const item of this.users.bought(request.userId)) exclude.add(this.state.itemIds[item]);
      reason = "because_you_bought";
    }
    const columns = seeds.map((item) => this.column[item]).filter((column) => column >= 0);
    if (!columns.length) return [];
    for (const item of seeds) exclude.add(this.state.itemIds[item]);
    const scores = new Float32Array(this.state.modelled.length);
    scoreItems(this.weights, userVector(this.weights, columns), scores);
    return this.rank(scores, request.k, exclude, (column) => ({
      kind: reason,
      itemId: this.state.itemIds[this.state.modelled[closestSeed(this.weights.itemVectors, this.weights.dimensions, column, columns)]],
    }));
  }

  private rank(scores: Float32Array, k: number, exclude: Set<string>, reasonFor: (column: number) => Reason): Recommendation[] {
    const ids = this.state.modelled.map((item) => this.state.itemIds[item]);
    return topK(scores, k, (column) => exclude.has(ids[column])).map((column) => ({
      itemId: ids[column],
      score: Math.round(scores[column] * 1e6) / 1e6,
      reason: reasonFor(column),
    }));
  }
}

function selectRows(rows: FeatureRows, chosen: number[]): FeatureRows {
  const rowStart = new Int32Array(chosen.length + 1);
  chosen.forEach((row, position) => (rowStart[position + 1] = rowStart[position] + rows.rowStart[row + 1] - rows.rowStart[row]));
  const cols = new Int32Array(rowStart[chosen.length]);
  const values = new Float32Array(rowStart[chosen.length]);
  chosen.forEach((row, position) => {
    cols.set(rows.cols.subarray(rows.rowStart[row], rows.rowStart[row + 1]), rowStart[position]);
    values.set(rows.values.subarray(rows.rowStart[row], rows.rowStart[row + 1]), rowStart[position]);
  });
  return { features: rows.features, rowStart, cols, values };
}

function encodeWeights(weights: TwoTowerWeights): StoredWeights {
  const { dimensions, ...arrays } = weights;
  return {
    dimensions,
    ...(Object.fromEntries(Object.entries(arrays).map(([name, array]) => [name, floatsToBase64(array)])) as Omit<
      StoredWeights,
      "dimensions"
    >),
  };
}

function decodeWeights(stored: StoredWeights): TwoTowerWeights {
  const { dimensions, ...arrays } = stored;
  return {
    dimensions,
    ...(Object.fromEntries(Object.entries(arrays).map(([name, text]) => [name, floatsFromBase64(text)])) as Omit<
      TwoTowerWeights,
      "dimensions"
    >),
  };
}
