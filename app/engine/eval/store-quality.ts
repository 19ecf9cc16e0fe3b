import type { Dataset } from "../dataset";
import { userItems } from "./matrix";
import { evaluate, type View } from "./metrics";
import { BuyAgainScorer, EaseScorer, PopularityScorer, type Scorer } from "./scorers";

/** How the shop's own models do on its own history, as the admin shows it after each training. */
export interface StoreQuality {
  protocol: "time";
  /** Trained on purchases before this time (ms), tested on the purchases after it. */
  cutoff: number;
  k: number;
  /** Customers who bought in both periods. */
  customers: number;
  models: Record<string, Record<View, { ndcg: number; recall: number; precision: number }>>;
}

/** EASE's dense inverse is items³: above this many products the report leaves it out. */
const MAX_EASE_ITEMS = 3_000;

/**
 * The evaluation harness's time protocol on a shop's purchases: train before the last
 * `holdoutDays`, test on what each customer bought after, in both views (`all`: a repeat purchase
 * counts; `new`: only products new to the customer). EASE is the model behind "Recommended for
 * you"; popularity and buy-again are the baselines it must beat. Null when too few customers
 * bought in both periods to say anything.
 */
export function evaluateOnHistory(dataset: Dataset, options: { k?: number; holdoutDays?: number; minCustomers?: number } = {}): StoreQuality | null {
  const k = options.k ?? 10;
  const cutoff = dataset.now - (options.holdoutDays ?? 30) * 86_400_000;
  const user: number[] = [];
  const item: number[] = [];
  const time: number[] = [];
  dataset.purchases.forEach((bought, u) => {
    for (const [i, times] of bought) for (const t of times) (user.push(u), item.push(i), time.push(t));
  });
  const positions = [...user.keys()];
  const train = Int32Array.from(positions.filter((p) => time[p] < cutoff));
  const test = Int32Array.from(positions.filter((p) => time[p] >= cutoff));
  const users = dataset.userIds.length;
  const items = dataset.items.length;
  const trainMatrix = userItems(users, items, user, item, train);
  const testMatrix = userItems(users, items, user, item, test);
  const scorers: Scorer[] = [
    new PopularityScorer(),
    new BuyAgainScorer({ user, item, time, positions: train, now: cutoff }, { halfLifeDays: 90 }),
    ...(items <= MAX_EASE_ITEMS ? [new EaseScorer({ lambda: 250 })] : []),
  ];
  const models: StoreQuality["models"] = {};
  let customers = 0;
  for (const scorer of scorers) {
    scorer.fit(trainMatrix);
    const result = {} as Record<View, { ndcg: number; recall: number; precision: number }>;
    for (const view of ["all", "new"] as const) {
      const metrics = evaluate(scorer, trainMatrix, testMatrix, k, { view, requireHistory: true });
      result[view] = { ndcg: metrics.ndcg, recall: metrics.recall, precision: metrics.precision };
      if (view === "all") customers = metrics.users;
    }
    models[scorer.name] = result;
  }
  if (customers < (options.minCustomers ?? 20)) return null;
  return { protocol: "time", cutoff, k, customers, models };
}
