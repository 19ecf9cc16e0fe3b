import type { Recommendation } from "./types";

/**
 * The second stage of "Recommended for you": the candidates several models retrieved, ranked by
 * Σ weight · score, each model's scores scaled to a maximum of 1 (as the evaluation harness's
 * blend does). An item a model did not retrieve scores 0 from it. Each item keeps the reason of
 * the model that contributed most to its score. `factor`, where given, multiplies each item's
 * blended score (each product's trend, app/engine/trend.ts).
 */
export function blendByScore(
  lists: Recommendation[][],
  weights: number[],
  k: number,
  factor?: (itemId: string) => number,
): Recommendation[] {
  const blended = new Map<string, { score: number; best: number; recommendation: Recommendation }>();
  lists.forEach((list, index) => {
    const max = Math.max(0, ...list.map((recommendation) => recommendation.score));
    if (!max || !weights[index]) return;
    for (const recommendation of list) {
      const contribution = (weights[index] * Math.max(0, recommendation.score)) / max;
      const entry = blended.get(recommendation.itemId);
      if (!entry) blended.set(recommendation.itemId, { score: contribution, best: contribution, recommendation });
      else {
        entry.score += contribution;
        if (contribution > entry.best) Object.assign(entry, { best: contribution, recommendation });
      }
    }
  });
  if (factor) for (const [itemId, entry] of blended) entry.score *= factor(itemId);
  return [...blended.values()]
    .sort((a, b) => b.score - a.score || (a.recommendation.itemId < b.recommendation.itemId ? -1 : 1))
    .slice(0, k)
    .map(({ score, recommendation }) => ({ ...recommendation, score: Math.round(score * 1e6) / 1e6 }));
}
