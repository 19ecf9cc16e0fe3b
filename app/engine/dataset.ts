import type { EngineEvent, EngineItem, EventKind } from "./types";

/**
 * How much each kind of event says about a shopper's interest, relative to a purchase.
 * Negative weights take interest away (a refund, a wishlist removal).
 */
export const DEFAULT_EVENT_WEIGHTS: Record<EventKind, number> = {
  purchase: 1,
  refund: -1,
  add_to_cart: 0.5,
  wishlist_add: 0.4,
  wishlist_remove: -0.4,
  view: 0.1,
  search: 0,
  review: 0, // by rating, see reviewWeight
};

/** A review of 4–5 stars is a positive signal, 3 neutral, 1–2 negative; it is never a purchase. */
export function reviewWeight(rating: number | undefined): number {
  if (rating === undefined) return 0;
  if (rating >= 4) return 0.3 * (rating - 3);
  if (rating <= 2) return -0.5 * (3 - rating);
  return 0;
}

export interface DatasetParams {
  /** Weight per event kind; defaults to DEFAULT_EVENT_WEIGHTS. */
  weights?: Partial<Record<EventKind, number>>;
  /** Half-life of a signal's weight in days (default 90): older interest counts less. */
  halfLifeDays?: number;
  /** The time the data is seen from (default: the latest event). */
  now?: number;
}

/**
 * Events indexed for the models: ids to dense indices, purchases grouped into baskets and per
 * user, and one decayed interest weight per (user, item).
 */
export interface Dataset {
  items: EngineItem[];
  itemIndex: Map<string, number>;
  userIds: string[];
  userIndex: Map<string, number>;
  now: number;
  /** Every weighted event, as parallel arrays (for popularity). */
  events: { item: Int32Array; user: Int32Array; time: Float64Array; weight: Float32Array };
  /** Distinct item indices per basket (order). */
  baskets: Int32Array[];
  basketTimes: Float64Array;
  /** Per user: item index → decayed interest (may be negative). */
  interest: Map<number, number>[];
  /** Per user: item index → purchase times, ascending. */
  purchases: Map<number, number[]>[];
  /** Events dropped because their item is not in the catalogue. */
  unknownItemEvents: number;
}

const DAY_MS = 86_400_000;

export function decayFactor(ageMs: number, halfLifeDays: number): number {
  return Math.pow(0.5, Math.max(0, ageMs) / (halfLifeDays * DAY_MS));
}

export function buildDataset(events: EngineEvent[], items: EngineItem[], params: DatasetParams = {}): Dataset {
  const weights = { ...DEFAULT_EVENT_WEIGHTS, ...params.weights };
  const halfLifeDays = params.halfLifeDays ?? 90;
  const itemIndex = new Map(items.map((item, index) => [item.id, index]));
  const userIndex = new Map<string, number>();
  const userIds: string[] = [];
  let now = params.now ?? 0;
  if (params.now === undefined) for (const event of events) if (event.time > now) now = event.time;

  const known = events.filter((event) => itemIndex.has(event.itemId));
  const eventItem = new Int32Array(known.length);
  const eventUser = new Int32Array(known.length);
  const eventTime = new Float64Array(known.length);
  const eventWeight = new Float32Array(known.length);
  const interest: Map<number, number>[] = [];
  const purchases: Map<number, number[]>[] = [];
  const basketItems = new Map<string, { items: Set<number>; time: number }>();

  known.forEach((event, position) => {
    let user = userIndex.get(event.userId);
    if (user === undefined) {
      user = userIds.length;
      userIndex.set(event.userId, user);
      userIds.push(event.userId);
      interest.push(new Map());
      purchases.push(new Map());
    }
    const item = itemIndex.get(event.itemId)!;
    const base = event.kind === "review" ? reviewWeight(event.rating) : weights[event.kind];
    const weight = base * (event.kind === "purchase" || event.kind === "refund" ? Math.max(1, event.quantity ?? 1) : 1);
    eventItem[position] = item;
    eventUser[position] = user;
    eventTime[position] = event.time;
    eventWeight[position] = weight;
    if (weight !== 0) {
      const decayed = weight * decayFactor(now - event.time, halfLifeDays);
      interest[user].set(item, (interest[user].get(item) ?? 0) + decayed);
    }
    if (event.kind === "purchase") {
      const times = purchases[user].get(item);
      if (times) times.push(event.time);
      else purchases[user].set(item, [event.time]);
      const basketKey = event.basketId ?? `${event.userId}@${event.time}`;
      const basket = basketItems.get(basketKey);
      if (basket) basket.items.add(item);
      else basketItems.set(basketKey, { items: new Set([item]), time: event.time });
    }
  });
  for (const userPurchases of purchases) for (const times of userPurchases.values()) times.sort((a, b) => a - b);

  const baskets = [...basketItems.values()];
  return {
    items,
    itemIndex,
    userIds,
    userIndex,
    now,
    events: { item: eventItem, user: eventUser, time: eventTime, weight: eventWeight },
    baskets: baskets.map((basket) => Int32Array.from(basket.items)),
    basketTimes: Float64Array.from(baskets.map((basket) => basket.time)),
    interest,
    purchases,
    unknownItemEvents: events.length - known.length,
  };
}

/** Item indices to leave out of a user's recommendations: what they bought, plus explicit ids. */
export function exclusionSet(dataset: Dataset, userId: string | undefined, exclude: Iterable<string> | undefined, excludePurchased: boolean) {
  const skip = new Set<number>();
  for (const id of exclude ?? []) {
    const index = dataset.itemIndex.get(id);
    if (index !== undefined) skip.add(index);
  }
  const user = userId === undefined ? undefined : dataset.userIndex.get(userId);
  if (excludePurchased && user !== undefined) for (const item of dataset.purchases[user].keys()) skip.add(item);
  return skip;
}
