import type { Recommendation } from "./types";

// Four ways lists of scored items become one. Which one a caller needs depends on whether the
// sources' scores are comparable (sum them as they are), on different scales (scale each source
// to a maximum of 1 and weigh it), dense rows of the whole catalogue (the same, in place), or
// ranked by trust rather than score (take them in order).

/**
 * The first list's items in order, then each next list's items not yet taken, up to k: personal
 * first, popular fills. Scores are left as each source gave them.
 */
export function unionInOrder(sources: Recommendation[][], k: number): Recommendation[] {
  const seen = new Set<string>();
  const result: Recommendation[] = [];
  for (const source of sources) {
    for (const recommendation of source) {
      if (result.length === k) return result;
      if (seen.has(recommendation.itemId)) continue;
      seen.add(recommendation.itemId);
      result.push(recommendation);
    }
  }
  return result;
}

/**
 * Lists whose scores are comparable as one list: an item's scores add up (across the lists and
 * within one), and it keeps the rest of its highest-scoring entry (so that source's reason; the
 * first met on a tie). Highest total first, equal totals in the order first met. `keyOf` names the
 * item. The entries returned are new objects; the lists are not changed.
 */
export function sumScores<T extends { score: number }>(lists: T[][], keyOf: (item: T) => string): T[] {
  return totalsByItem(lists, keyOf, (item) => item.score)
    .map(({ item, score }) => ({ ...item, score }))
    .sort((a, b) => b.score - a.score);
}

/**
 * The second stage of "Recommended for you": the candidates several models retrieved, ranked by
 * Σ weight · score, each model's scores scaled to a maximum of 1 (as blendScaledRows does for the
 * evaluation harness) and negative ones counted as 0. An item a model did not retrieve scores 0
 * from it. Each item keeps the reason of the model that contributed most to its score, as
 * sumScores does. `factor`, where given, multiplies each item's blended score (each product's
 * trend, app/engine/trend.ts). The k best, equal scores by item id (or, with `ties: "first-met"`, in
 * the order the lists first give them: ids that differ from shop to shop do not reorder them),
 * scores rounded to 6 decimals.
 */
export function blendScaledLists(
  lists: Recommendation[][],
  weights: number[],
  k: number,
  factor?: (itemId: string) => number,
  ties: "item-id" | "first-met" = "item-id",
): Recommendation[] {
  const maxima = lists.map((list) => Math.max(0, ...list.map((recommendation) => recommendation.score)));
  const counted = lists.map((list, index) => (maxima[index] && weights[index] ? list : []));
  const contribution = (recommendation: Recommendation, index: number) =>
    (weights[index] * Math.max(0, recommendation.score)) / maxima[index];
  const blended = totalsByItem(counted, (recommendation) => recommendation.itemId, contribution);
  if (factor) for (const entry of blended) entry.score *= factor(entry.item.itemId);
  return blended
    .sort((a, b) => b.score - a.score || (ties === "first-met" ? 0 : a.item.itemId < b.item.itemId ? -1 : 1))
    .slice(0, k)
    .map(({ score, item }) => ({ ...item, score: Math.round(score * 1e6) / 1e6 }));
}

/** Each item's total score over the lists and its highest-scoring entry (the first on a tie), in the order first met. */
function totalsByItem<T>(
  lists: T[][],
  keyOf: (item: T) => string,
  scoreOf: (item: T, list: number) => number,
): { item: T; score: number; best: number }[] {
  const totals = new Map<string, { item: T; score: number; best: number }>();
  lists.forEach((list, index) => {
    for (const item of list) {
      const score = scoreOf(item, index);
      const key = keyOf(item);
      const entry = totals.get(key);
      if (!entry) totals.set(key, { item, score, best: score });
      else {
        entry.score += score;
        if (score > entry.best) Object.assign(entry, { item, best: score });
      }
    }
  });
  return [...totals.values()];
}

/**
 * The evaluation harness's blend, over dense rows of every item's score (its hot path, so in
 * place): out = Σ weight_i · part_i / max |part_i|, each part scaled to a largest magnitude of 1
 * and negative scores kept (a part of zeros counts nothing).
 */
export function blendScaledRows(out: Float32Array, parts: Float32Array[], weights: number[]) {
  out.fill(0);
  parts.forEach((values, index) => {
    let max = 0;
    for (let i = 0; i < values.length; i++) if (Math.abs(values[i]) > max) max = Math.abs(values[i]);
    const weight = max > 0 ? weights[index] / max : 0;
    for (let i = 0; i < out.length; i++) out[i] += weight * values[i];
  });
}
