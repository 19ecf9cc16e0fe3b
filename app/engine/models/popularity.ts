import { decayFactor, type Dataset } from "../dataset";
import { topK } from "../topk";
import type { FitOptions, Recommendation, RecommendRequest, Recommender } from "../types";
import { HistoryIndex, historyFromDataset, type UserHistory } from "./history";

/**
 * Time-decayed popularity: every event adds its weight, halved every `halfLifeDays`.
 *
 * Parameters (defaults):
 * - halfLifeDays (30): how fast old sales stop counting; short for "trending", long for "best sellers".
 * - excludePurchased (true): leave out what the shopper already bought.
 */
export interface PopularityParams {
  halfLifeDays?: number;
  excludePurchased?: boolean;
}

interface PopularityState {
  params: Required<PopularityParams>;
  itemIds: string[];
  scores: number[];
  /** Per item: its first collection (for "Trending in …") and product type, for `similar`. */
  groups: { collection: string | null; productType: string | null }[];
  history: UserHistory;
}

export class PopularityModel implements Recommender {
  static readonly modelName = "popularity";
  static readonly modelVersion = 1;
  readonly name = PopularityModel.modelName;
  readonly version = PopularityModel.modelVersion;
  private readonly itemIndex: Map<string, number>;
  private readonly users: HistoryIndex;

  private constructor(private readonly state: PopularityState) {
    this.itemIndex = new Map(state.itemIds.map((id, index) => [id, index]));
    this.users = new HistoryIndex(state.history);
  }

  static fit(dataset: Dataset, params: PopularityParams = {}, options: FitOptions = {}): PopularityModel {
    const full = { halfLifeDays: params.halfLifeDays ?? 30, excludePurchased: params.excludePurchased ?? true };
    const scores = new Float64Array(dataset.items.length);
    const { item, time, weight } = dataset.events;
    for (let e = 0; e < item.length; e++) {
      if (weight[e] > 0) scores[item[e]] += weight[e] * decayFactor(dataset.now - time[e], full.halfLifeDays);
    }
    options.onProgress?.(1, "popularity");
    return new PopularityModel({
      params: full,
      itemIds: dataset.items.map((i) => i.id),
      scores: Array.from(scores, (score) => Math.round(score * 1e6) / 1e6),
      groups: dataset.items.map((i) => ({ collection: i.collections?.[0] ?? null, productType: i.productType || null })),
      history: historyFromDataset(dataset),
    });
  }

  static fromJSON(state: unknown): PopularityModel {
    return new PopularityModel(state as PopularityState);
  }

  toJSON(): PopularityState {
    return this.state;
  }

  score(itemId: string): number {
    const index = this.itemIndex.get(itemId);
    return index === undefined ? 0 : this.state.scores[index];
  }

  recommend(request: RecommendRequest): Recommendation[] {
    const skip = this.skipSet(request.exclude, request.context);
    if (this.state.params.excludePurchased) for (const item of this.users.bought(request.userId)) skip.add(item);
    return topK(this.state.scores, request.k, (index) => skip.has(index)).map((index) => ({
      itemId: this.state.itemIds[index],
      score: this.state.scores[index],
      reason: { kind: "trending", collection: this.state.groups[index].collection ?? undefined },
    }));
  }

  /** Popular items of the same collection or product type (or anything popular when there are none). */
  similar(itemId: string, k: number, exclude?: Iterable<string>): Recommendation[] {
    const index = this.itemIndex.get(itemId);
    if (index === undefined) return [];
    const { collection, productType } = this.state.groups[index];
    const skip = this.skipSet(exclude, [itemId]);
    const sameGroup = this.state.scores.map((score, other) => {
      const group = this.state.groups[other];
      const shared = (collection && group.collection === collection) || (productType && group.productType === productType);
      return shared ? score : 0;
    });
    return topK(sameGroup, k, (other) => skip.has(other)).map((other) => ({
      itemId: this.state.itemIds[other],
      score: sameGroup[other],
      reason: { kind: "similar", itemId },
    }));
  }

  private skipSet(exclude: Iterable<string> | undefined, context: Iterable<string> | undefined): Set<number> {
    const skip = new Set<number>();
    for (const id of [...(exclude ?? []), ...(context ?? [])]) {
      const index = this.itemIndex.get(id);
      if (index !== undefined) skip.add(index);
    }
    return skip;
  }
}
