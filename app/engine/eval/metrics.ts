import { row, type UserItems } from "./matrix";
import type { Scorer } from "./scorers";

export interface RankingMetrics {
  precision: number;
  recall: number;
  /** The harmonic mean of precision and recall, per user, averaged. */
  f1: number;
  ndcg: number;
  map: number;
  /** AP divided by all of the user's held-out items (Microsoft Recommenders' "MAP" column). */
  mapAll: number;
  hitRate: number;
  /** Chance that a held-out item is scored above an item the user did not take (over the whole ranked catalogue). */
  auc: number;
  /** Share of the catalogue that appears in at least one user's top k. */
  coverage: number;
  /** Users with test items, over which the metrics are averaged. */
  users: number;
}

/** The k best-scored items, skipping those marked in `skip`, best first (ties to the lower index). */
export function rankTop(scores: Float32Array, k: number, skip: Uint8Array): Int32Array {
  const chosen = new Int32Array(k).fill(-1);
  let size = 0;
  for (let index = 0; index < scores.length; index++) {
    if (skip[index]) continue;
    const score = scores[index];
    if (size === k && score <= scores[chosen[k - 1]]) continue;
    let position = size === k ? k - 1 : size++;
    while (position > 0 && scores[chosen[position - 1]] < score) {
      chosen[position] = chosen[position - 1];
      position--;
    }
    chosen[position] = index;
  }
  return chosen.subarray(0, size);
}

/**
 * Metrics at k for one user's ranked list against their held-out items (binary relevance):
 * precision = hits / k; recall = hits / |test|; NDCG with a log2 discount over the ideal
 * ranking of min(|test|, k) hits; AP = Σ precision@rank at each hit / min(|test|, k).
 */
export function userMetrics(ranked: ArrayLike<number>, relevant: Set<number>, k: number) {
  let hits = 0;
  let dcg = 0;
  let ap = 0;
  for (let rank = 0; rank < ranked.length && rank < k; rank++) {
    if (!relevant.has(ranked[rank])) continue;
    hits++;
    dcg += 1 / Math.log2(rank + 2);
    ap += hits / (rank + 1);
  }
  const ideal = Math.min(relevant.size, k);
  let idcg = 0;
  for (let rank = 0; rank < ideal; rank++) idcg += 1 / Math.log2(rank + 2);
  const precision = hits / k;
  const recall = hits / relevant.size;
  return {
    precision,
    recall,
    f1: hits ? (2 * precision * recall) / (precision + recall) : 0,
    ndcg: idcg ? dcg / idcg : 0,
    map: ideal ? ap / ideal : 0,
    mapAll: relevant.size ? ap / relevant.size : 0,
    hit: hits > 0 ? 1 : 0,
  };
}

/**
 * AUC of one user's scores: the share of (held-out, other) pairs where the held-out item scores
 * higher (ties count half), over the items that are ranked (not skipped). Mann–Whitney U by ranks.
 */
export function userAuc(scores: Float32Array, relevant: Set<number>, skip: Uint8Array, order: Int32Array): number {
  let count = 0;
  for (let item = 0; item < scores.length; item++) if (!skip[item]) order[count++] = item;
  const ranked = order.subarray(0, count).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < count;) {
    let end = start;
    while (end + 1 < count && scores[ranked[end + 1]] === scores[ranked[start]]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) if (relevant.has(ranked[i])) (positives++, (rankSum += averageRank));
    start = end + 1;
  }
  const negatives = count - positives;
  return positives && negatives ? (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives) : 0;
}

/**
 * How held-out items count. `new`: the user's training items are left out of the ranking and
 * only items new to them count (the stratified and random protocols, and the time split's "new"
 * view). `all`: nothing is left out and a repeat purchase counts as a hit (the time split's
 * "all" view, where buying again is the norm).
 */
export type View = "all" | "new";

/** Which users are evaluated and how: see `View`; `auc: false` skips AUC (a sort of the catalogue per user) and reports 0. */
export interface EvaluationOptions {
  view?: View;
  /** Only users with training data: the time split's customers who bought in both periods. */
  requireHistory?: boolean;
  auc?: boolean;
}

/**
 * Full ranking over the catalogue for every user with something to find in test (and, with
 * `requireHistory`, with training data: the time split's customers who bought in both periods).
 */
export function evaluate(scorer: Scorer, train: UserItems, test: UserItems, k: number, options: EvaluationOptions = {}): RankingMetrics {
  return evaluateEach(1, (user, history, [scores]) => scorer.score(user, history, scores), train, test, k, options)[0];
}

/**
 * `evaluate` for `count` rankings at once over the same users: `score` fills one row of scores
 * per ranking for a user, so that rankings built from the same parts (blends with different
 * weights) score each part once per user.
 */
export function evaluateEach(
  count: number,
  score: (user: number, history: Int32Array, out: Float32Array[]) => void,
  train: UserItems,
  test: UserItems,
  k: number,
  options: EvaluationOptions = {},
): RankingMetrics[] {
  const view = options.view ?? "new";
  const scores = Array.from({ length: count }, () => new Float32Array(train.items));
  const skip = new Uint8Array(train.items);
  const shown = scores.map(() => new Uint8Array(train.items));
  const sums = scores.map(() => ({ precision: 0, recall: 0, f1: 0, ndcg: 0, map: 0, mapAll: 0, hitRate: 0, auc: 0 }));
  const order = new Int32Array(train.items);
  let users = 0;
  for (let user = 0; user < test.users; user++) {
    const history = row(train, user);
    if (options.requireHistory && history.length === 0) continue;
    const relevant = new Set(row(test, user));
    if (view === "new") for (const item of history) relevant.delete(item);
    if (relevant.size === 0) continue;
    score(user, history, scores);
    if (view === "new") for (const item of history) skip[item] = 1;
    scores.forEach((ranking, index) => {
      const ranked = rankTop(ranking, k, skip);
      const sum = sums[index];
      if (options.auc !== false) sum.auc += userAuc(ranking, relevant, skip, order);
      for (const item of ranked) shown[index][item] = 1;
      const metrics = userMetrics(ranked, relevant, k);
      sum.precision += metrics.precision;
      sum.recall += metrics.recall;
      sum.f1 += metrics.f1;
      sum.ndcg += metrics.ndcg;
      sum.map += metrics.map;
      sum.mapAll += metrics.mapAll;
      sum.hitRate += metrics.hit;
    });
    if (view === "new") for (const item of history) skip[item] = 0;
    users++;
  }
  const mean = (value: number) => (users ? value / users : 0);
  return sums.map((sum, index) => ({
    precision: mean(sum.precision),
    recall: mean(sum.recall),
    f1: mean(sum.f1),
    ndcg: mean(sum.ndcg),
    map: mean(sum.map),
    mapAll: mean(sum.mapAll),
    hitRate: mean(sum.hitRate),
    auc: mean(sum.auc),
    coverage: shown[index].reduce((total, value) => total + value, 0) / train.items,
    users,
  }));
}

/** Root mean squared and mean absolute error of predicted ratings against the true ones. */
export function ratingErrors(
  predict: (user: number, item: number) => number,
  user: ArrayLike<number>,
  item: ArrayLike<number>,
  rating: ArrayLike<number>,
  positions: ArrayLike<number>,
): { rmse: number; mae: number } {
  let squared = 0;
  let absolute = 0;
  for (let p = 0; p < positions.length; p++) {
    const position = positions[p];
    const error = predict(user[position], item[position]) - rating[position];
    squared += error * error;
    absolute += Math.abs(error);
  }
  const count = positions.length || 1;
  return { rmse: Math.sqrt(squared / count), mae: absolute / count };
}
