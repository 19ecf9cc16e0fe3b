import { topK } from "../topk";
import type { Reason, Recommendation, RecommendRequest } from "../types";
import type { HistoryIndex } from "./history";

/** An item-to-item model's neighbour lists, as the seed scoring reads them. */
export interface NeighbourLists {
  itemIds: string[];
  itemIndex: Map<string, number>;
  /** Calls visit for each neighbour of an item with its score. */
  forEachNeighbour(item: number, visit: (other: number, score: number) => void): void;
}

/**
 * Recommendations from seed items (the product shown, the cart, a shopper's history): each
 * item scores the weighted sum of the seeds' neighbour scores, and its reason names the seed
 * that contributed most. Seeds and excluded items are left out.
 */
export function recommendFromSeeds(
  lists: NeighbourLists,
  seeds: [string, number][],
  k: number,
  exclude: Iterable<string> | undefined,
  reasonFor: (seedId: string) => Reason,
): Recommendation[] {
  const count = lists.itemIds.length;
  const scores = new Float64Array(count);
  const strongestSeed = new Int32Array(count).fill(-1);
  const strongestContribution = new Float64Array(count);
  const skip = new Set<number>();
  for (const id of exclude ?? []) {
    const index = lists.itemIndex.get(id);
    if (index !== undefined) skip.add(index);
  }
  for (const [seedId, weight] of seeds) {
    const seed = lists.itemIndex.get(seedId);
    if (seed === undefined) continue;
    skip.add(seed);
    lists.forEachNeighbour(seed, (other, score) => {
      const contribution = weight * score;
      scores[other] += contribution;
      if (contribution > strongestContribution[other]) {
        strongestContribution[other] = contribution;
        strongestSeed[other] = seed;
      }
    });
  }
  return topK(scores, k, (index) => skip.has(index)).map((index) => ({
    itemId: lists.itemIds[index],
    score: Math.round(scores[index] * 1e6) / 1e6,
    reason: reasonFor(lists.itemIds[strongestSeed[index]]),
  }));
}

/** An item-to-item model's `similar`: the item's own neighbours. */
export function similarFromLists(lists: NeighbourLists, itemId: string, k: number, exclude?: Iterable<string>): Recommendation[] {
  return recommendFromSeeds(lists, [[itemId, 1]], k, exclude, (seed) => ({ kind: "similar", itemId: seed }));
}

/**
 * An item-to-item model's `recommend`: from the context when there is one, else from the
 * shopper's remembered items (each counting 1, or its interest with `weighByInterest`), leaving
 * out what they bought with `excludePurchased`.
 */
export function recommendFromLists(
  lists: NeighbourLists,
  users: HistoryIndex,
  request: RecommendRequest,
  options: { excludePurchased: boolean; weighByInterest: boolean },
): Recommendation[] {
  if (request.context?.length)
    return recommendFromSeeds(
      lists,
      request.context.map((id) => [id, 1]),
      request.k,
      request.exclude,
      (seed) => ({ kind: "similar", itemId: seed }),
    );
  const exclude = new Set(request.exclude ?? []);
  if (options.excludePurchased) for (const item of users.bought(request.userId)) exclude.add(lists.itemIds[item]);
  const seeds = users
    .interest(request.userId)
    .map(([item, weight]): [string, number] => [lists.itemIds[item], options.weighByInterest ? weight : 1]);
  return recommendFromSeeds(lists, seeds, request.k, exclude, (seed) => ({ kind: "because_you_bought", itemId: seed }));
}
