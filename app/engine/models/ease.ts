import { itemsByShoppers, type Dataset } from "../dataset";
import { gram, userItems, type UserItems } from "../eval/matrix";
import { easeWeights } from "../linalg";
import { topK } from "../topk";
import type { FitOptions, Recommendation, RecommendRequest, Recommender } from "../types";
import { HistoryIndex, historyFromDataset, historyFromV1, type UserHistory, type UserHistoryV1 } from "./history";
import { unreadableVersion } from "./versions";
import { recommendFromLists, similarFromLists, type NeighbourLists } from "./seeds";

/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): a linear
 * item-item model with a closed form, B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹ and a zero
 * diagonal, where X says which items each shopper has shown interest in. A shopper's score for
 * item j is Σ over their items i of B[i][j]. On MovieLens 100k it is the best model of the
 * evaluation harness (README, "Recommendation quality").
 *
 * The inverse costs items³ and items² memory, so the model covers the `maxItems` items with the
 * most shoppers; the others are left to the other models.
 *
 * Parameters (defaults, EASE_DEFAULTS):
 * - lambda (250): L2 regularisation; chosen on the harness's validation split for MovieLens 100k.
 * - maxItems (3,000): the most popular items modelled (ALS and co-occurrence cover the rest). The
 *   inverse is items³ in time and items² in memory: for 3,000, 2 s with a fast TensorFlow.js
 *   backend in use (tf/inverse.ts) and about 40 s without one.
 * - neighbours (100): the largest weights kept per item.
 * - excludePurchased (true): personal recommendations leave out what the shopper bought.
 * - proximityMinutes (0, off) and proximityFloor (0.2): session proximity (eval/matrix.ts). A
 *   pair of a shopper's items counts floor + (1 − floor)·e^(−Δt / minutes), Δt the time between
 *   their first interest in each: items taken up in one sitting count fully, months apart `floor`.
 *   SESSION_EASE holds the setting chosen on MovieLens 100k's validation split; the training job
 *   turns it on when the shop's own last 30 days say it helps (eval/store-quality.ts).
 * - dropout (0): DLAE's regularisation (linalg.ts), λ plus dropout/(1 − dropout) times each
 *   item's own count, so that popular items lean less on each other.
 * - recencyHalfLifeDays (0, off): each of the shopper's items counts by how lately they last
 *   showed interest in it, halved every so many days, instead of 1: what they buy now leads what
 *   they bought a year ago. RECENT_EASE holds the setting; the training job turns it on when the
 *   shop's own last 30 days say it helps (eval/store-quality.ts).
 */
export interface EaseParams {
  lambda?: number;
  maxItems?: number;
  neighbours?: number;
  excludePurchased?: boolean;
  proximityMinutes?: number;
  proximityFloor?: number;
  dropout?: number;
  recencyHalfLifeDays?: number;
}

/**
 * What serves: plain EASE at λ 250 (the best of MovieLens 100k's validation split), which the
 * 30-day check (eval/store-quality.ts) and the benchmarks' blends (bench/quality.ts) also fit as
 * "plain EASE" against SESSION_EASE.
 */
export const EASE_DEFAULTS: Required<EaseParams> = {
  lambda: 250,
  maxItems: 3_000,
  neighbours: 100,
  excludePurchased: true,
  proximityMinutes: 0,
  proximityFloor: 0.2,
  dropout: 0,
  recencyHalfLifeDays: 0,
};

/** EASE with session proximity, as tuned on MovieLens 100k's validation split (README, "Recommendation quality"). */
export const SESSION_EASE = { lambda: 200, dropout: 0.4, proximityMinutes: 15, proximityFloor: 0.2 } as const satisfies EaseParams;

/**
 * Plain EASE with each of the shopper's items weighed by how lately they showed interest in it
 * (180-day half-life: on Online Retail's time split, 90 days ranked new products worse and 365
 * no better; docs/quality.md).
 */
export const RECENT_EASE = { recencyHalfLifeDays: 180 } as const satisfies EaseParams;

/**
 * The λ the harness's EaseScorer (eval/scorers.ts) takes when given no parameters. It differs from
 * EASE_DEFAULTS (250): it is the middle of the time split's grid; every caller in the app and the
 * benchmarks passes its own λ.
 */
export const EASE_SCORER_LAMBDA = 500;

/**
 * The λ the benchmarks try on validation (bench/quality.ts): the random and stratified splits of
 * MovieLens 100k around the default; the time split (order logs) a coarser, wider grid.
 */
export const EASE_LAMBDA_GRID = { random: [100, 250, 500, 1000, 2000], time: [100, 500, 2000] } as const;

/** Session EASE's settings the benchmarks try on validation: SESSION_EASE, longer sittings, stronger regularisation. */
export const SESSION_EASE_GRID: Required<Pick<EaseParams, "lambda" | "dropout" | "proximityMinutes" | "proximityFloor">>[] = [
  SESSION_EASE,
  { ...SESSION_EASE, proximityMinutes: 60 },
  { ...SESSION_EASE, proximityMinutes: 1440 },
  { ...SESSION_EASE, lambda: 500 },
];

interface EaseState {
  params: Required<EaseParams>;
  itemIds: string[];
  /** Per modelled item: [item index, weight] with the largest positive weights, best first. */
  neighbours: [number, number][][];
  history: UserHistory;
}

/**
 * Version 1: the same, with the shoppers' history as it was saved then; models saved before
 * session proximity and dropout have neither among their parameters (they were fitted without).
 */
type EaseStateV1 = Omit<EaseState, "params" | "history"> & {
  params: Omit<Required<EaseParams>, "proximityMinutes" | "proximityFloor" | "dropout" | "recencyHalfLifeDays"> & Partial<EaseParams>;
  history: UserHistoryV1;
};

/** The parameters of an EASE fitted without session proximity, dropout and recency. */
const WITHOUT_SESSIONS = { proximityMinutes: 0, proximityFloor: 0.2, dropout: 0, recencyHalfLifeDays: 0 } as const satisfies EaseParams;

export class EaseModel implements Recommender {
  static readonly modelName = "ease";
  /** 2: the shoppers' history is flat and every parameter is saved; fromJSON reads version 1 too. */
  static readonly modelVersion = 2;
  readonly name = EaseModel.modelName;
  readonly version = EaseModel.modelVersion;
  private readonly itemIndex: Map<string, number>;
  private readonly users: HistoryIndex;
  private readonly lists: NeighbourLists;

  private constructor(private readonly state: EaseState) {
    this.itemIndex = new Map(state.itemIds.map((id, index) => [id, index]));
    this.users = new HistoryIndex(state.history);
    this.lists = {
      itemIds: state.itemIds,
      itemIndex: this.itemIndex,
      forEachNeighbour: (item, visit) => {
        for (const [other, weight] of this.state.neighbours[item]) visit(other, weight);
      },
    };
  }

  static fit(dataset: Dataset, params: EaseParams = {}, options: FitOptions = {}): EaseModel {
    const full: Required<EaseParams> = {
      lambda: params.lambda ?? EASE_DEFAULTS.lambda,
      maxItems: params.maxItems ?? EASE_DEFAULTS.maxItems,
      neighbours: params.neighbours ?? EASE_DEFAULTS.neighbours,
      excludePurchased: params.excludePurchased ?? EASE_DEFAULTS.excludePurchased,
      proximityMinutes: params.proximityMinutes ?? EASE_DEFAULTS.proximityMinutes,
      proximityFloor: params.proximityFloor ?? EASE_DEFAULTS.proximityFloor,
      dropout: params.dropout ?? EASE_DEFAULTS.dropout,
      recencyHalfLifeDays: params.recencyHalfLifeDays ?? EASE_DEFAULTS.recencyHalfLifeDays,
    };
    // The items most shoppers have shown (positive) interest in.
    const { modelled, column } = itemsByShoppers(dataset, full.maxItems);
    const n = modelled.length;
    const matrix = modelledRows(dataset, column, n, full.proximityMinutes > 0);
    options.onProgress?.(0.2, `inverting ${n} × ${n}`);
    const weights = easeWeights(gram(matrix, { minutes: full.proximityMinutes, floor: full.proximityFloor }), n, full.lambda, full.dropout);
    options.onProgress?.(0.9, "keeping the strongest weights");

    const neighbours: [number, number][][] = Array.from({ length: dataset.items.length }, () => []);
    for (let i = 0; i < n; i++) {
      const row = weights.subarray(i * n, (i + 1) * n);
      neighbours[modelled[i]] = topK(row, full.neighbours).map((j) => [modelled[j], Math.round(row[j] * 1e6) / 1e6] as [number, number]);
    }
    options.onProgress?.(1, "ease");
    const history = historyFromDataset(dataset, { recencyHalfLifeDays: full.recencyHalfLifeDays });
    return new EaseModel({ params: full, itemIds: dataset.items.map((item) => item.id), neighbours, history });
  }

  static fromJSON(state: unknown, version: unknown = EaseModel.modelVersion): EaseModel {
    switch (version) {
      case 1: {
        const saved = state as EaseStateV1;
        return new EaseModel({ ...saved, params: { ...WITHOUT_SESSIONS, ...saved.params }, history: historyFromV1(saved.history) });
      }
      case 2: {
        // Models saved before recency weighing have no half-life among their parameters (they were fitted without).
        const saved = state as EaseState;
        return new EaseModel({ ...saved, params: { ...saved.params, recencyHalfLifeDays: saved.params.recencyHalfLifeDays ?? 0 } });
      }
      default:
        throw unreadableVersion(EaseModel.modelName, version, EaseModel.modelVersion);
    }
  }

  toJSON(): EaseState {
    return this.state;
  }

  /** Items whose weight from this one is largest: what shoppers who like it also like. */
  similar(itemId: string, k: number, exclude?: Iterable<string>): Recommendation[] {
    return similarFromLists(this.lists, itemId, k, exclude);
  }

  /** For a known shopper: the sum of the weights of the items they showed interest in (each by its recency, where that is on). */
  recommend(request: RecommendRequest): Recommendation[] {
    return recommendFromLists(this.lists, this.users, request, {
      excludePurchased: this.state.params.excludePurchased,
      weighByInterest: this.state.params.recencyHalfLifeDays > 0,
    });
  }
}

/**
 * The shoppers' rows over the modelled items (column[item] ≥ 0): the items they still show
 * positive interest in (a refunded purchase is not one), read from their positive events; with
 * `withTimes`, the time of the first such event per item.
 */
function modelledRows(dataset: Dataset, column: Int32Array, n: number, withTimes: boolean): UserItems {
  const { item, user, time, weight } = dataset.events;
  const positions = new Int32Array(item.length);
  let size = 0;
  for (let e = 0; e < item.length; e++) {
    if (weight[e] > 0 && column[item[e]] >= 0 && (dataset.interest[user[e]].get(item[e]) ?? 0) > 0) positions[size++] = e;
  }
  const columns = Int32Array.from(item, (i) => column[i]);
  return userItems(dataset.interest.length, n, user, columns, positions.subarray(0, size), withTimes ? time : undefined);
}
