import { basketCount, basketItems, type Dataset } from "../dataset";
import type { FitOptions, Reason, Recommendation, RecommendRequest, Recommender } from "../types";
import { HistoryIndex, historyFromDataset, historyFromV1, type UserHistory, type UserHistoryV1 } from "./history";
import { unreadableVersion } from "./versions";
import { recommendFromSeeds, type NeighbourLists } from "./seeds";

/**
 * Item-item co-occurrence over baskets (orders), for "Frequently bought together" and cart
 * cross-sell, and, summed over a shopper's history, for "Recommended for you".
 *
 * For items A and B in N baskets: support = n(AB) / N, confidence(A→B) = n(AB) / n(A),
 * lift = n(AB)·N / (n(A)·n(B)). The score of B for A is a shrunk confidence weighted by lift,
 * so that neither a best seller that is in every basket (high confidence, lift ≈ 1) nor a
 * pair seen twice (lift huge, evidence thin) wins on its own:
 *
 *   score(A→B) = n(AB) / (n(A) + shrinkage) · lift^liftExponent
 *
 * Parameters (defaults):
 * - minSupportCount (2): pairs seen in fewer baskets are dropped as noise.
 * - shrinkage (5): pseudo-count added to n(A) in the confidence.
 * - liftExponent (0.5): how much lift counts against confidence.
 * - maxPerItem (50): neighbours kept per item.
 * - excludePurchased (true): personal recommendations leave out what the shopper bought.
 */
export interface CooccurrenceParams {
  minSupportCount?: number;
  shrinkage?: number;
  liftExponent?: number;
  maxPerItem?: number;
  excludePurchased?: boolean;
}

export interface MinedPair {
  itemId: string;
  relatedItemId: string;
  supportCount: number;
  support: number;
  confidence: number;
  lift: number;
  score: number;
}

interface CooccurrenceState {
  params: Required<CooccurrenceParams>;
  itemIds: string[];
  basketCount: number;
  /** Baskets containing each item. */
  itemCounts: number[];
  /** Per item: [neighbour index, n(AB), score], best first. */
  neighbours: [number, number, number][][];
  history: UserHistory;
}

/** Version 1: the same, with the shoppers' history as it was saved then. */
type CooccurrenceStateV1 = Omit<CooccurrenceState, "history"> & { history: UserHistoryV1 };

export class CooccurrenceModel implements Recommender {
  static readonly modelName = "cooccurrence";
  /** 2: the shoppers' history is flat (UserHistory); fromJSON reads version 1 too. */
  static readonly modelVersion = 2;
  readonly name = CooccurrenceModel.modelName;
  readonly version = CooccurrenceModel.modelVersion;
  private readonly itemIndex: Map<string, number>;
  private readonly users: HistoryIndex;
  private readonly lists: NeighbourLists;

  private constructor(private readonly state: CooccurrenceState) {
    this.itemIndex = new Map(state.itemIds.map((id, index) => [id, index]));
    this.users = new HistoryIndex(state.history);
    this.lists = {
      itemIds: state.itemIds,
      itemIndex: this.itemIndex,
      forEachNeighbour: (item, visit) => {
        for (const [other, , score] of this.state.neighbours[item]) visit(other, score);
      },
    };
  }

  static fit(dataset: Dataset, params: CooccurrenceParams = {}, options: FitOptions = {}): CooccurrenceModel {
    const full: Required<CooccurrenceParams> = {
      minSupportCount: params.minSupportCount ?? 2,
      shrinkage: params.shrinkage ?? 5,
      liftExponent: params.liftExponent ?? 0.5,
      maxPerItem: params.maxPerItem ?? 50,
      excludePurchased: params.excludePurchased ?? true,
    };
    const itemCount = dataset.items.length;
    const counts = new Float64Array(itemCount);
    const pairs: Map<number, number>[] = Array.from({ length: itemCount }, () => new Map());
    const total = basketCount(dataset);
    for (let b = 0; b < total; b++) {
      const basket = basketItems(dataset, b);
      for (let x = 0; x < basket.length; x++) {
        const a = basket[x];
        counts[a]++;
        for (let y = 0; y < basket.length; y++) {
          if (x !== y) pairs[a].set(basket[y], (pairs[a].get(basket[y]) ?? 0) + 1);
        }
      }
      if (b % 5_000 === 0) options.onProgress?.((0.8 * b) / total, "counting pairs");
    }

    const neighbours = pairs.map((row, a) => {
      const scored: [number, number, number][] = [];
      for (const [b, together] of row) {
        if (together < full.minSupportCount) continue;
        const lift = (together * total) / (counts[a] * counts[b]);
        const score = (together / (counts[a] + full.shrinkage)) * Math.pow(lift, full.liftExponent);
        scored.push([b, together, Math.round(score * 1e6) / 1e6]);
      }
      return scored.sort((p, q) => q[2] - p[2] || p[0] - q[0]).slice(0, full.maxPerItem);
    });
    options.onProgress?.(1, "co-occurrence");
    return new CooccurrenceModel({
      params: full,
      itemIds: dataset.items.map((item) => item.id),
      basketCount: total,
      itemCounts: Array.from(counts),
      neighbours,
      history: historyFromDataset(dataset),
    });
  }

  static fromJSON(state: unknown, version: unknown = CooccurrenceModel.modelVersion): CooccurrenceModel {
    switch (version) {
      case 1: {
        const saved = state as CooccurrenceStateV1;
        return new CooccurrenceModel({ ...saved, history: historyFromV1(saved.history) });
      }
      case 2:
        return new CooccurrenceModel(state as CooccurrenceState);
      default:
        throw unreadableVersion(CooccurrenceModel.modelName, version, CooccurrenceModel.modelVersion);
    }
  }

  toJSON(): CooccurrenceState {
    return this.state;
  }

  /** Every kept pair with its statistics, strongest first per item (for the admin's review). */
  pairs(): MinedPair[] {
    const { itemIds, itemCounts, basketCount } = this.state;
    return this.state.neighbours.flatMap((row, a) =>
      row.map(([b, together, score]) => ({
        itemId: itemIds[a],
        relatedItemId: itemIds[b],
        supportCount: together,
        support: together / basketCount,
        confidence: together / itemCounts[a],
        lift: (together * basketCount) / (itemCounts[a] * itemCounts[b]),
        score,
      })),
    );
  }

  similar(itemId: string, k: number, exclude?: Iterable<string>): Recommendation[] {
    return this.fromSeeds([[itemId, 1]], k, exclude, (seed) => ({ kind: "bought_with", itemId: seed }));
  }

  /**
   * With context (product shown, cart): what is bought with those items. Otherwise, for a
   * known shopper: what is bought with what they bought, weighted by their interest.
   */
  recommend(request: RecommendRequest): Recommendation[] {
    if (request.context?.length) {
      return this.fromSeeds(
        request.context.map((id) => [id, 1]),
        request.k,
        request.exclude,
        (seed) => ({ kind: "bought_with", itemId: seed }),
      );
    }
    const interest = this.users.interest(request.userId);
    const exclude = new Set(request.exclude ?? []);
    if (this.state.params.excludePurchased) for (const item of this.users.bought(request.userId)) exclude.add(this.state.itemIds[item]);
    return this.fromSeeds(
      interest.map(([item, weight]) => [this.state.itemIds[item], weight]),
      request.k,
      exclude,
      (seed) => ({ kind: "because_you_bought", itemId: seed }),
    );
  }

  private fromSeeds(
    seeds: [string, number][],
    k: number,
    exclude: Iterable<string> | undefined,
    reasonFor: (seedId: string) => Reason,
  ): Recommendation[] {
    return recommendFromSeeds(this.lists, seeds, k, exclude, reasonFor);
  }
}
