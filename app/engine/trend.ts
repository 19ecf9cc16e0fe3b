/**
 * Rising and falling products: how much faster each product sold lately than over a longer
 * stretch before now. A personal score multiplied by it favours what is taking off (the
 * Christmas goods a gift wholesaler starts selling in late summer) over what has had its season.
 *
 * trend(i) = ((sales in the last shortDays) / shortDays + s) / ((sales in the last longDays) / longDays + s),
 * to the power `power`, where s = smoothing × the mean product's daily sales over longDays, so that
 * a product with a sale or two is not taken for a riser, whatever the shop's size.
 *
 * Parameters (defaults): shortDays (28), longDays (120), power (1; 0 turns it off), smoothing (1).
 * Four weeks against four months is what validation chose on Online Retail's time split (two weeks
 * scored the same there, and a small shop sells too little in two weeks to tell a trend).
 */
export interface TrendParams {
  shortDays: number;
  longDays: number;
  power: number;
  smoothing: number;
}

export const TREND_DEFAULTS: TrendParams = { shortDays: 28, longDays: 120, power: 1, smoothing: 1 };

/**
 * The trend settings the benchmarks try on the time split (bench/quality.ts): off (power 0), then
 * TREND_DEFAULTS and two others. The 30-day check tries only off and TREND_DEFAULTS.
 */
export const TREND_GRID: TrendParams[] = [
  { ...TREND_DEFAULTS, power: 0 },
  TREND_DEFAULTS,
  { ...TREND_DEFAULTS, shortDays: 14 },
  { ...TREND_DEFAULTS, shortDays: 14, longDays: 240, power: 0.75 },
];

/**
 * Each item's trend factor from its sales (`item[p]`, `time[p]` in ms for each position p of
 * `positions`, or every index of `item` when positions are left out), seen from `now`; sales
 * after `now` do not count.
 */
export function itemTrend(
  items: number,
  sales: { item: ArrayLike<number>; time: ArrayLike<number>; positions?: ArrayLike<number> },
  now: number,
  params: TrendParams = TREND_DEFAULTS,
): Float32Array {
  if (!(params.shortDays > 0 && params.longDays > params.shortDays)) {
    throw new Error(`trend: shortDays (${params.shortDays}) must be positive and below longDays (${params.longDays})`);
  }
  const factors = new Float32Array(items).fill(1);
  if (params.power === 0 || items === 0) return factors;
  const recent = new Float64Array(items);
  const longer = new Float64Array(items);
  const shortFrom = now - params.shortDays * 86_400_000;
  const longFrom = now - params.longDays * 86_400_000;
  let total = 0;
  const positions = sales.positions;
  const n = positions ? positions.length : sales.item.length;
  for (let index = 0; index < n; index++) {
    const p = positions ? positions[index] : index;
    const t = sales.time[p];
    if (t > now || t < longFrom) continue;
    longer[sales.item[p]]++;
    total++;
    if (t >= shortFrom) recent[sales.item[p]]++;
  }
  const prior = (params.smoothing * total) / params.longDays / items;
  if (prior <= 0) return factors;
  for (let i = 0; i < items; i++) {
    factors[i] = ((recent[i] / params.shortDays + prior) / (longer[i] / params.longDays + prior)) ** params.power;
  }
  return factors;
}

/** Scores times their items' trend factors, in place; a score below 0 becomes 0. */
export function applyTrend(scores: Float32Array, factors: Float32Array) {
  for (let i = 0; i < scores.length; i++) scores[i] = scores[i] > 0 ? scores[i] * factors[i] : 0;
}
