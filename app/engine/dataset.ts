import type { EngineEvent, EngineItem, EventKind } from "./types";

/**
 * How much each kind of event says about a shopper's interest, relative to a purchase.
 * Negative weights take interest away (a refund, a wishlist removal).
 */
const DEFAULT_EVENT_WEIGHTS: Record<EventKind, number> = {
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
 * user, and one decayed interest weight per (user, item). Bulk data is columnar (typed arrays,
 * compressed rows), so that a store of millions of events fits in a few hundred megabytes.
 */
export interface Dataset {
  items: EngineItem[];
  itemIndex: Map<string, number>;
  userIds: string[];
  userIndex: Map<string, number>;
  now: number;
  /** Every weighted event, as parallel arrays (for popularity). */
  events: { item: Int32Array; user: Int32Array; time: Float64Array; weight: Float32Array };
  /** Purchases grouped by basket (order): basket b's distinct items are items[start[b] .. start[b+1]), bought at time[b]. */
  baskets: { start: Int32Array; items: Int32Array; time: Float64Array };
  /** Per user: item index → decayed interest (may be negative). */
  interest: Map<number, number>[];
  /**
   * Every purchase by user: user u's are at positions start[u] .. start[u+1], ordered by item
   * and then time (see `forEachPurchased`), with the units bought.
   */
  purchases: { start: Int32Array; item: Int32Array; time: Float64Array; quantity: Float32Array };
  /** Events dropped because their item is not in the catalogue. */
  unknownItemEvents: number;
}

const DAY_MS = 86_400_000;

export function decayFactor(ageMs: number, halfLifeDays: number): number {
  return Math.pow(0.5, Math.max(0, ageMs) / (halfLifeDays * DAY_MS));
}

/** How many baskets a dataset has. */
export function basketCount(dataset: Dataset): number {
  return dataset.baskets.time.length;
}

/** The distinct items of basket b. */
export function basketItems(dataset: Dataset, basket: number): Int32Array {
  return dataset.baskets.items.subarray(dataset.baskets.start[basket], dataset.baskets.start[basket + 1]);
}

/** Calls `visit` once per item the user bought, with the times they bought it, ascending. */
export function forEachPurchased(dataset: Dataset, user: number, visit: (item: number, times: Float64Array) => void): void {
  const { start, item, time } = dataset.purchases;
  for (let from = start[user]; from < start[user + 1];) {
    let to = from + 1;
    while (to < start[user + 1] && item[to] === item[from]) to++;
    visit(item[from], time.subarray(from, to));
    from = to;
  }
}

/** Every purchase as an event (one at a time, not held), for what reads events, such as seasonality. */
export function* purchaseEvents(dataset: Dataset): Generator<EngineEvent> {
  const { start, item, time, quantity } = dataset.purchases;
  for (let user = 0; user < dataset.userIds.length; user++) {
    for (let position = start[user]; position < start[user + 1]; position++) {
      yield {
        userId: dataset.userIds[user],
        itemId: dataset.items[item[position]].id,
        kind: "purchase",
        time: time[position],
        quantity: quantity[position],
      };
    }
  }
}

/**
 * The items a model keeps: by how many shoppers showed positive interest in each, most first
 * (ties by catalogue order), at most `max`, those nobody showed interest in only when
 * `withUnseen`. `column[item]` is each kept item's place in that order, −1 for the rest.
 */
export function itemsByShoppers(dataset: Dataset, max: number, withUnseen = false): { modelled: number[]; column: Int32Array } {
  const shoppers = new Float64Array(dataset.items.length);
  for (const interest of dataset.interest) for (const [item, weight] of interest) if (weight > 0) shoppers[item]++;
  const modelled = [...shoppers.keys()]
    .filter((item) => withUnseen || shoppers[item] > 0)
    .sort((a, b) => shoppers[b] - shoppers[a] || a - b)
    .slice(0, max);
  const column = new Int32Array(dataset.items.length).fill(-1);
  modelled.forEach((item, position) => (column[item] = position));
  return { modelled, column };
}

/** The distinct items a user bought, ascending. */
export function boughtItems(dataset: Dataset, user: number): number[] {
  const items: number[] = [];
  forEachPurchased(dataset, user, (item) => items.push(item));
  return items;
}

/** A typed array that doubles as it fills. */
class Column<T extends Int32Array | Float64Array | Float32Array> {
  length = 0;
  constructor(public values: T) {}
  push(value: number) {
    if (this.length === this.values.length) {
      const grown = new (this.values.constructor as new (length: number) => T)(Math.max(1024, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
  /** The filled part, copied into an array of its own size. */
  done(): T {
    return this.values.slice(0, this.length) as T;
  }
}

/**
 * Groups (group, value, time) triples by group into compressed rows: a counting sort by group,
 * then each row sorted by value and time. Returns the rows' starts and the permuted columns
 * (`extra` is carried along).
 */
function groupRows(groups: number, group: Int32Array, value: Int32Array, time: Float64Array, extra = new Float32Array(group.length)) {
  const start = new Int32Array(groups + 1);
  for (const g of group) start[g + 1]++;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const next = start.slice(0, groups);
  const order = new Int32Array(group.length);
  for (let position = 0; position < group.length; position++) order[next[group[position]]++] = position;
  for (let g = 0; g < groups; g++) {
    if (start[g + 1] - start[g] > 1) order.subarray(start[g], start[g + 1]).sort((a, b) => value[a] - value[b] || time[a] - time[b]);
  }
  const values = new Int32Array(order.length);
  const times = new Float64Array(order.length);
  const extras = new Float32Array(order.length);
  order.forEach(
    (position, index) => ((values[index] = value[position]), (times[index] = time[position]), (extras[index] = extra[position])),
  );
  return { start, values, times, extras };
}

/**
 * Builds a Dataset one event at a time, so that events can stream in (from database pages, a
 * generator) without all of them being held as objects at once.
 */
export class DatasetBuilder {
  private readonly weights: Record<EventKind, number>;
  private readonly halfLifeDays: number;
  private readonly itemIndex: Map<string, number>;
  private readonly userIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly eventItem = new Column(new Int32Array(0));
  private readonly eventUser = new Column(new Int32Array(0));
  private readonly eventTime = new Column(new Float64Array(0));
  private readonly eventWeight = new Column(new Float32Array(0));
  private readonly purchaseUser = new Column(new Int32Array(0));
  private readonly purchaseItem = new Column(new Int32Array(0));
  private readonly purchaseTime = new Column(new Float64Array(0));
  private readonly purchaseQuantity = new Column(new Float32Array(0));
  private readonly basketIndex = new Map<string, number>();
  private readonly basketTime = new Column(new Float64Array(0));
  private readonly basketOf = new Column(new Int32Array(0));
  private unknownItemEvents = 0;
  private latest = 0;

  constructor(
    private readonly items: EngineItem[],
    private readonly params: DatasetParams = {},
  ) {
    this.weights = { ...DEFAULT_EVENT_WEIGHTS, ...params.weights };
    this.halfLifeDays = params.halfLifeDays ?? 90;
    this.itemIndex = new Map(items.map((item, index) => [item.id, index]));
  }

  add(event: EngineEvent): void {
    if (event.time > this.latest) this.latest = event.time;
    const item = this.itemIndex.get(event.itemId);
    if (item === undefined) {
      this.unknownItemEvents++;
      return;
    }
    let user = this.userIndex.get(event.userId);
    if (user === undefined) {
      user = this.userIds.length;
      this.userIndex.set(event.userId, user);
      this.userIds.push(event.userId);
    }
    const base = event.kind === "review" ? reviewWeight(event.rating) : this.weights[event.kind];
    this.eventItem.push(item);
    this.eventUser.push(user);
    this.eventTime.push(event.time);
    this.eventWeight.push(base * (event.kind === "purchase" || event.kind === "refund" ? Math.max(1, event.quantity ?? 1) : 1));
    if (event.kind === "purchase") {
      this.purchaseUser.push(user);
      this.purchaseItem.push(item);
      this.purchaseTime.push(event.time);
      this.purchaseQuantity.push(Math.max(1, event.quantity ?? 1));
      const basketKey = event.basketId ?? `${event.userId}@${event.time}`;
      let basket = this.basketIndex.get(basketKey);
      if (basket === undefined) {
        basket = this.basketTime.length;
        this.basketIndex.set(basketKey, basket);
        this.basketTime.push(event.time);
      }
      this.basketOf.push(basket);
    }
  }

  build(): Dataset {
    // Interest is decayed from the time the data is seen from, known once every event is in.
    const now = this.params.now ?? this.latest;
    const events = {
      item: this.eventItem.done(),
      user: this.eventUser.done(),
      time: this.eventTime.done(),
      weight: this.eventWeight.done(),
    };
    const interest: Map<number, number>[] = this.userIds.map(() => new Map());
    for (let position = 0; position < events.item.length; position++) {
      const weight = events.weight[position];
      if (weight === 0) continue;
      const user = interest[events.user[position]];
      const item = events.item[position];
      user.set(item, (user.get(item) ?? 0) + weight * decayFactor(now - events.time[position], this.halfLifeDays));
    }
    const purchaseItem = this.purchaseItem.done();
    const purchaseTime = this.purchaseTime.done();
    const purchases = groupRows(this.userIds.length, this.purchaseUser.done(), purchaseItem, purchaseTime, this.purchaseQuantity.done());
    // Baskets: each basket's items, once each.
    const byBasket = groupRows(this.basketTime.length, this.basketOf.done(), purchaseItem, purchaseTime);
    const basketStart = new Int32Array(this.basketTime.length + 1);
    const basketItemColumn = new Column(new Int32Array(0));
    for (let basket = 0; basket < this.basketTime.length; basket++) {
      for (let position = byBasket.start[basket]; position < byBasket.start[basket + 1]; position++) {
        if (position === byBasket.start[basket] || byBasket.values[position] !== byBasket.values[position - 1])
          basketItemColumn.push(byBasket.values[position]);
      }
      basketStart[basket + 1] = basketItemColumn.length;
    }
    return {
      items: this.items,
      itemIndex: this.itemIndex,
      userIds: this.userIds,
      userIndex: this.userIndex,
      now,
      events,
      baskets: { start: basketStart, items: basketItemColumn.done(), time: this.basketTime.done() },
      interest,
      purchases: { start: purchases.start, item: purchases.values, time: purchases.times, quantity: purchases.extras },
      unknownItemEvents: this.unknownItemEvents,
    };
  }
}

export function buildDataset(events: Iterable<EngineEvent>, items: EngineItem[], params: DatasetParams = {}): Dataset {
  const builder = new DatasetBuilder(items, params);
  for (const event of events) builder.add(event);
  return builder.build();
}
