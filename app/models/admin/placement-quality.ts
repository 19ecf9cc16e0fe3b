import { servesRepeats, type StoreQuality } from "../../engine";
import { rankerFits } from "../../engine/models/repeat-ranker";

/**
 * The home page's quality table: each placement the 30-day check measures beside the baseline
 * that matters for it, so the merchant reads one comparison per row instead of working out which
 * of the models' figures counts.
 */

/**
 * Which way "Recommended for you" serves, as the check chose: products new to each customer only,
 * or the purchases that are due brought back among them, or a learned ranker placing each
 * customer's likely repeat purchases among new products.
 */
export type ForYouServing = "new-only" | "due-repeats" | "ranker";

/** A baseline the placements are compared with: the customer's past purchases, or the store's best sellers. */
export type Baseline = "buy-again" | "popularity";

/**
 * How a placement's figure compares with its baseline's: about the same (within SAME_WITHIN
 * relative), some share more or fewer (rounded to a whole percent), a number of times as much
 * (from twice as much, to one decimal), or something where the baseline found nothing.
 */
export type Difference = { kind: "same" } | { kind: "more" | "fewer"; share: number } | { kind: "times"; times: number } | { kind: "only" };

/** One row: a placement, on the purchases that count for it, beside its baseline. */
export interface PlacementComparison {
  placement: "FOR_YOU" | "TRENDING";
  /** The check's model that serves the placement (`for-you`, `trending` or `trending-season`). */
  model: string;
  /** Which purchases count: any product (a repeat purchase counts), or only products new to the customer. */
  view: "all" | "new";
  /** Of the products each customer bought in the check's last 30 days, the share among the k the placement would have shown. */
  recall: number;
  baseline: Baseline;
  baselineRecall: number;
  difference: Difference;
}

export interface PlacementQuality {
  k: number;
  customers: number;
  forYou: ForYouServing;
  rows: PlacementComparison[];
}

/** Within this much of the baseline's figure, relative, a placement does about the same. */
export const SAME_WITHIN = 0.02;
/** From this many times the baseline's figure, the difference reads as "times as much" rather than a percentage. */
const TIMES_FROM = 2;

/**
 * The rows of the last check: "Recommended for you" against past purchases on any product where
 * it brings repeats back (servesRepeats), and against best sellers on products new to the
 * customer; "Trending" (with last year's season where the check chose it) against best sellers
 * on new products. A row whose models the check did not measure (older checks lack some) is left
 * out; the blend's parts (EASE, ALS, the two-tower hybrid) are not placements and have no row.
 */
export function placementQuality(quality: StoreQuality): PlacementQuality {
  const { models, choices } = quality;
  const forYou: ForYouServing = !servesRepeats(choices) ? "new-only" : rankerFits(choices.forYou.ranker) ? "ranker" : "due-repeats";
  const trending = choices.trending.season ? "trending-season" : "trending";
  const wanted: Omit<PlacementComparison, "recall" | "baselineRecall" | "difference">[] = [
    ...(forYou === "new-only" ? [] : [{ placement: "FOR_YOU", model: "for-you", view: "all", baseline: "buy-again" } as const]),
    { placement: "FOR_YOU", model: "for-you", view: "new", baseline: "popularity" },
    { placement: "TRENDING", model: trending, view: "new", baseline: "popularity" },
  ];
  const rows = wanted.flatMap((row) => {
    const served = models[row.model]?.[row.view];
    const baseline = models[row.baseline]?.[row.view];
    if (!served || !baseline) return [];
    return [{ ...row, recall: served.recall, baselineRecall: baseline.recall, difference: compare(served.recall, baseline.recall) }];
  });
  return { k: quality.k, customers: quality.customers, forYou, rows };
}

/** A placement's recall against its baseline's, in the terms the page words it. */
export function compare(recall: number, baseline: number): Difference {
  if (baseline <= 0) return recall > 0 ? { kind: "only" } : { kind: "same" };
  const ratio = recall / baseline;
  const relative = ratio - 1;
  // The 1e-9 keeps a figure exactly SAME_WITHIN off (0.204 against 0.2) the same despite rounding in floating point.
  if (Math.abs(relative) <= SAME_WITHIN + 1e-9) return { kind: "same" };
  if (ratio >= TIMES_FROM) return { kind: "times", times: Math.round(ratio * 10) / 10 };
  return { kind: relative > 0 ? "more" : "fewer", share: Math.round(Math.abs(relative) * 100) / 100 };
}
