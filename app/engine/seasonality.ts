import type { EngineEvent, EngineItem } from "./types";

export interface LearnedCurve {
  targetType: "PRODUCT_TYPE" | "COLLECTION";
  targetValue: string;
  /** Twelve weights, January first: how much more (or less) the group sells that month than usual. */
  months: number[];
  /** Purchases the curve was learned from. */
  purchases: number;
}

export interface SeasonalityParams {
  /** A group needs at least this many purchased units to get a curve (default 50). */
  minPurchases?: number;
  /** Pseudo-units added to every month (default 10): small groups stay near 1. */
  smoothing?: number;
  /** Weights are kept within [1 / clamp, clamp] (default 4). */
  clamp?: number;
}

/**
 * Monthly seasonality per product type and per collection, learned from purchases: for each
 * group and calendar month, its units sold over what it would have sold had it followed the
 * whole store's monthly pattern (so a store-wide December rush does not make everything
 * seasonal). 3 in December: the group sells three times its usual share then. Months without
 * any sales in the history stay at 1. Serving multiplies scores by this month's weight.
 */
export function learnSeasonality(events: Iterable<EngineEvent>, items: EngineItem[], params: SeasonalityParams = {}): LearnedCurve[] {
  const minPurchases = params.minPurchases ?? 50;
  const smoothing = params.smoothing ?? 10;
  const clamp = params.clamp ?? 4;
  const byId = new Map(items.map((item) => [item.id, item]));
  const storeMonths = new Array<number>(12).fill(0);
  const groups = new Map<string, { targetType: LearnedCurve["targetType"]; targetValue: string; months: number[] }>();
  const add = (targetType: LearnedCurve["targetType"], targetValue: string, month: number, units: number) => {
    const key = `${targetType}:${targetValue.toLowerCase()}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { targetType, targetValue, months: new Array<number>(12).fill(0) }));
    group.months[month] += units;
  };
  for (const event of events) {
    if (event.kind !== "purchase") continue;
    const item = byId.get(event.itemId);
    if (!item) continue;
    const month = new Date(event.time).getUTCMonth();
    const units = event.quantity ?? 1;
    storeMonths[month] += units;
    if (item.productType) add("PRODUCT_TYPE", item.productType, month, units);
    for (const collection of item.collections ?? []) add("COLLECTION", collection, month, units);
  }
  const storeTotal = storeMonths.reduce((sum, units) => sum + units, 0);
  const curves: LearnedCurve[] = [];
  for (const group of groups.values()) {
    const total = group.months.reduce((sum, units) => sum + units, 0);
    if (total < minPurchases) continue;
    const share = total / storeTotal;
    const months = group.months.map((units, month) => {
      if (!storeMonths[month]) return 1;
      const expected = share * storeMonths[month];
      const weight = (units + smoothing) / (expected + smoothing);
      return Math.round(Math.min(clamp, Math.max(1 / clamp, weight)) * 1000) / 1000;
    });
    curves.push({ targetType: group.targetType, targetValue: group.targetValue, months, purchases: total });
  }
  return curves.sort((a, b) => b.purchases - a.purchases);
}
