import {
  ADJECTIVES,
  CATEGORIES,
  COLOURS,
  FIRST_NAMES,
  LAST_NAMES,
  LINES,
  LOCATIONS,
  VENDORS,
  type CategorySpec,
  type NounSpec,
} from "./catalogue";
import type { StoreSnapshot } from "../app/models/store-import.server";
import { generateAdminApiStore, type AdminApiStore, type AdminApiStoreOptions } from "./admin-api-store";
import { Random, WeightedPicker } from "./random";
import { generateSegmentStore, type SegmentStore, type SegmentStoreOptions } from "./segment-store";

export interface DemoOptions {
  seed?: number;
  products?: number;
  customers?: number;
  orders?: number;
  months?: number;
  /** The last moment of the store's history. */
  end?: Date;
}

/** The demo store is a store snapshot, the shape the headless import reads, with the shop it belongs to. */
export type DemoStore = StoreSnapshot & { shop: { domain: "affinity-demo.myshopify.com"; name: string; currency: "USD" } };
type DemoProduct = StoreSnapshot["products"][number];
type DemoCustomer = StoreSnapshot["customers"][number];
type DemoOrder = StoreSnapshot["orders"][number];
type DemoOrderLine = DemoOrder["lines"][number];
type DemoEvent = StoreSnapshot["events"][number];

export const DEFAULT_DEMO_OPTIONS: Required<DemoOptions> = {
  seed: 42,
  products: 500,
  customers: 2000,
  orders: 20_000,
  months: 24,
  end: new Date("2026-10-31T23:59:59Z"),
};

const DAY = 86_400_000;
const CATEGORY_COLOURS = ["2e6b4f", "7a4e2d", "35526e", "8c3b3b", "5b3a29", "6b4f8c", "1f7a8c", "3c5a99"];

interface ProductModel {
  product: DemoProduct;
  category: number;
  noun: NounSpec;
  /** Relative popularity within its noun (Zipf-like). */
  weight: number;
}

/**
 * The generator of the demo and test stores, same options, same store, in the shape the caller
 * reads: the demo store as the headless import reads it (the default); shopper segments as the
 * engine reads them, streamed, for the training benchmark; or Admin GraphQL API objects with the
 * cases the backfill must clean, for the fake Admin API.
 */
export function generateStore(options?: DemoOptions & { shape?: "demo" }): DemoStore;
export function generateStore(options: SegmentStoreOptions): SegmentStore;
export function generateStore(options: AdminApiStoreOptions): AdminApiStore;
export function generateStore(
  options: (DemoOptions & { shape?: "demo" }) | SegmentStoreOptions | AdminApiStoreOptions = {},
): DemoStore | SegmentStore | AdminApiStore {
  if (options.shape === "segments") return generateSegmentStore(options);
  if (options.shape === "admin-api") return generateAdminApiStore(options);
  return generateDemoStore(options);
}

/**
 * A realistic outdoor-and-home store with two years of history: seasonal categories, shoppers
 * with tastes, baskets of complementary products, consumables rebought on schedule, views,
 * add-to-carts, wishlists and reviews. Same options, same store, byte for byte.
 */
export function generateDemoStore(options: DemoOptions = {}): DemoStore {
  const o = { ...DEFAULT_DEMO_OPTIONS, ...options };
  const random = new Random(o.seed);
  const end = o.end.getTime();
  const start = new Date(o.end);
  start.setUTCMonth(start.getUTCMonth() - o.months);
  const begin = start.getTime();

  const collections = CATEGORIES.map((category, index) => ({
    externalId: String(4100000000 + index),
    handle: category.handle,
    title: category.title,
  }));
  const models = buildProducts(random, o.products, begin);
  const customers = buildCustomers(random, o.customers, begin, end);
  const { orders, events } = buildHistory(random, models, customers, o.orders, begin, end);
  return {
    shop: { domain: "affinity-demo.myshopify.com", name: "Affinity Outfitters", currency: "USD" },
    collections,
    products: models.map((model) => model.product),
    customers: customers.map((customer) => customer.customer),
    orders,
    events,
  };
}

export function summarizeDemoStore(store: DemoStore) {
  return {
    collections: store.collections.length,
    products: store.products.length,
    customers: store.customers.length,
    orders: store.orders.length,
    lines: store.orders.reduce((sum, order) => sum + order.lines.length, 0),
    events: store.events.length,
  };
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

const money = (value: number) => Math.round(value * 100) / 100;

function imageFor(title: string, category: number): string {
  const initials = title
    .split(" ")
    .filter((word) => /^[A-Z]/.test(word))
    .slice(0, 2)
    .map((word) => word[0])
    .join("");
  const svg =
    `<svg xmlns='http://www.w3.org/2000/svg' width='400' height='400' viewBox='0 0 400 400'>` +
    `<rect width='400' height='400' fill='#${CATEGORY_COLOURS[category % CATEGORY_COLOURS.length]}'/>` +
    `<text x='200' y='240' font-family='sans-serif' font-size='120' fill='#fff' text-anchor='middle'>${initials}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

function buildProducts(random: Random, count: number, begin: number): ProductModel[] {
  const nouns = CATEGORIES.flatMap((category, categoryIndex) => category.nouns.map((noun) => ({ category: categoryIndex, noun })));
  const models: ProductModel[] = [];
  const titles = new Set<string>();
  for (let i = 0; i < count; i++) {
    const { category, noun } = nouns[i % nouns.length];
    const spec = CATEGORIES[category];
    const rank = Math.floor(i / nouns.length);
    let title: string;
    do title = `${random.pick(LINES)} ${random.pick(ADJECTIVES)} ${noun.noun}`;
    while (titles.has(title) && titles.size < count * 4);
    if (titles.has(title)) title = `${title} ${rank + 2}`;
    titles.add(title);
    const material = random.pick(spec.materials);
    const colour = random.pick(COLOURS);
    const activity = random.pick(spec.activities);
    const price = money(Math.max(5, Math.round(noun.basePrice * (0.75 + random.next() * 0.7))) - 0.05);
    const available = !random.chance(0.05);
    const externalId = String(8000000000 + i);
    const variantNames = noun.variants ?? [colour];
    const variants = variantNames.slice(0, random.int(1, Math.min(3, variantNames.length))).map((name, v) => ({
      externalId: String(9000000000 + i * 10 + v),
      title: name,
      sku: `${slug(noun.productType).slice(0, 4).toUpperCase()}-${i}-${v}`,
      price,
      available,
      inventory: available ? random.int(3, 120) : 0,
    }));
    const peakMonth = spec.season.indexOf(Math.max(...spec.season));
    const season = spec.season.every((value) => value === 1)
      ? "all-season"
      : ["winter", "spring", "summer", "autumn"][Math.floor(((peakMonth + 1) % 12) / 3)];
    models.push({
      category,
      noun,
      weight: 1 / Math.pow(rank + 1, 0.9),
      product: {
        externalId,
        handle: slug(title),
        title,
        description:
          `The ${title} is made from ${material} in ${colour.toLowerCase()} for ${activity}. ` +
          `${noun.rebuyDays ? "Most customers restock it every few weeks." : "Built to last for years of use."}`,
        productType: noun.productType,
        vendor: VENDORS[(category + rank) % VENDORS.length],
        tags: [spec.handle, slug(material), colour.toLowerCase(), season, slug(activity)],
        price,
        compareAtPrice: random.chance(0.15) ? money(Math.round(price * (1.2 + random.next() * 0.2)) - 0.05) : null,
        available,
        inventory: variants.reduce((sum, variant) => sum + variant.inventory, 0),
        collectionHandles: [spec.handle],
        imageUrl: imageFor(title, category),
        createdAt: new Date(begin - random.int(30, 400) * DAY),
        variants,
      },
    });
  }
  return models;
}

interface CustomerModel {
  customer: DemoCustomer;
  /** Relative preference per category. */
  taste: number[];
  activity: number;
}

function buildCustomers(random: Random, count: number, begin: number, end: number): CustomerModel[] {
  const locationPicker = new WeightedPicker(LOCATIONS.map((location) => location[3]));
  return Array.from({ length: count }, (_, i) => {
    const [country, province, city] = LOCATIONS[locationPicker.pick(random)];
    const firstName = random.pick(FIRST_NAMES);
    const lastName = random.pick(LAST_NAMES);
    const taste = CATEGORIES.map(() => 0.05);
    const favourites = random.int(1, 3);
    for (let f = 0; f < favourites; f++) taste[random.int(0, CATEGORIES.length - 1)] += f === 0 ? 3 : 1.5;
    const tags = [random.chance(0.05) ? "vip" : null, random.chance(0.02) ? "wholesale" : null, random.chance(0.3) ? "newsletter" : null];
    const knowsDemographics = random.chance(0.4);
    return {
      taste,
      // Log-normal activity: most shoppers buy a few times, a few buy very often.
      activity: Math.exp(1.1 * random.normal()),
      customer: {
        externalId: String(7000000000 + i),
        email: `${slug(firstName)}.${slug(lastName)}.${i}@example.com`,
        firstName,
        lastName,
        country,
        province,
        city,
        tags: tags.filter((tag): tag is string => tag !== null),
        birthYear: knowsDemographics ? random.int(1950, 2006) : null,
        gender: knowsDemographics ? random.pick(["female", "male", "non-binary"]) : null,
        acceptsMarketing: random.chance(0.45),
        createdAt: new Date(begin + random.next() * (end - begin) * 0.9),
      },
    };
  });
}

type ProductPicker = (category: number, noun: string) => ProductModel | undefined;

function buildHistory(random: Random, models: ProductModel[], customers: CustomerModel[], orderCount: number, begin: number, end: number) {
  const pickProduct = productPicker(random, models);
  const plan = planOrders(random, customers, orderCount, begin, end);

  const due = customers.map(() => new Map<ProductModel, number>());
  const orders: DemoOrder[] = [];
  const events: DemoEvent[] = [];
  for (const { customer: c, time } of plan) {
    const shopper = customers[c];
    const month = new Date(time).getUTCMonth();
    const categoryPicker = new WeightedPicker(shopper.taste.map((taste, k) => taste * CATEGORIES[k].season[month]));
    const basket = fillBasket(random, pickProduct, categoryPicker, due[c], time);
    const lines = orderLines(random, basket, due[c], time);
    const number = orders.length + 1001;
    const customerId = shopper.customer.externalId;
    orders.push({
      externalId: String(5000000000 + number),
      name: `#${number}`,
      customerExternalId: customerId,
      processedAt: new Date(time),
      currency: "USD",
      country: shopper.customer.country,
      totalPrice: money(lines.reduce((sum, line) => sum + line.price * line.quantity, 0)),
      lines,
    });

    // The browsing that led to the order, and some that led nowhere.
    basketEvents(random, events, basket, customerId, time, end);
    browsingEvents(random, events, pickProduct, categoryPicker, customerId, time, begin);
  }
  events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  return { orders, events };
}

/** Picks a product of one noun in one category, popular ones more often; undefined when the store has none. */
function productPicker(random: Random, models: ProductModel[]): ProductPicker {
  const byNoun = new Map<string, ProductModel[]>();
  for (const model of models) {
    const key = `${model.category}:${model.noun.noun}`;
    byNoun.set(key, [...(byNoun.get(key) ?? []), model]);
  }
  const nounPickers = new Map([...byNoun].map(([key, list]) => [key, new WeightedPicker(list.map((model) => model.weight))]));
  return (category: number, noun: string) => {
    const key = `${category}:${noun}`;
    const list = byNoun.get(key);
    return list ? list[nounPickers.get(key)!.pick(random)] : undefined;
  };
}

/** Order times first, then each shopper's orders in time order, so rebuys can follow schedule. */
function planOrders(random: Random, customers: CustomerModel[], orderCount: number, begin: number, end: number) {
  // Demand per day: growth over the two years, a holiday lift in November and December.
  const days = Math.floor((end - begin) / DAY);
  const dayPicker = new WeightedPicker(
    Array.from({ length: days }, (_, d) => {
      const month = new Date(begin + d * DAY).getUTCMonth();
      return (1 + (0.6 * d) / days) * (month === 10 ? 1.4 : month === 11 ? 1.7 : 1);
    }),
  );
  const customerPicker = new WeightedPicker(customers.map((customer) => customer.activity));
  const plan: { customer: number; time: number }[] = [];
  for (let i = 0; i < orderCount; i++) {
    const time = begin + dayPicker.pick(random) * DAY + random.int(8 * 3600, 22 * 3600) * 1000;
    plan.push({ customer: customerPicker.pick(random), time: Math.min(time, end) });
  }
  plan.sort((a, b) => a.time - b.time || a.customer - b.customer);
  return plan;
}

/** Due rebuys, an anchor product from a favoured in-season category, some of its complements, sometimes one extra. */
function fillBasket(
  random: Random,
  pickProduct: ProductPicker,
  categoryPicker: WeightedPicker,
  due: Map<ProductModel, number>,
  time: number,
) {
  const basket = new Set<ProductModel>();
  for (const [model, dueAt] of due) {
    if (time >= dueAt && random.chance(0.75)) basket.add(model);
  }
  const category = categoryPicker.pick(random);
  const spec: CategorySpec = CATEGORIES[category];
  const anchor = pickProduct(category, random.pick(spec.nouns).noun);
  if (anchor) basket.add(anchor);
  const group = anchor && spec.complements.find((nouns) => nouns.includes(anchor.noun.noun));
  if (group && random.chance(0.6)) {
    for (const noun of group) if (noun !== anchor.noun.noun && random.chance(0.55)) basket.add(pickProduct(category, noun)!);
  }
  if (random.chance(0.15)) {
    const other = categoryPicker.pick(random);
    const extra = pickProduct(other, random.pick(CATEGORIES[other].nouns).noun);
    if (extra) basket.add(extra);
  }
  return basket;
}

/** The first six basket products as order lines; consumables schedule their next rebuy in `due`. */
function orderLines(random: Random, basket: Set<ProductModel>, due: Map<ProductModel, number>, time: number): DemoOrderLine[] {
  return [...basket].slice(0, 6).map((model) => {
    const variant = random.pick(model.product.variants);
    const quantity = model.noun.rebuyDays ? random.int(1, 3) : 1;
    if (model.noun.rebuyDays) {
      due.set(model, time + model.noun.rebuyDays * quantity * (0.8 + random.next() * 0.4) * DAY);
    }
    return {
      productExternalId: model.product.externalId,
      variantExternalId: variant.externalId,
      title: `${model.product.title}${model.product.variants.length > 1 ? ` - ${variant.title}` : ""}`,
      quantity,
      price: variant.price,
    };
  });
}

/** Views and add-to-carts before the order for every basket product, and reviews some weeks after it. */
function basketEvents(random: Random, events: DemoEvent[], basket: Set<ProductModel>, customerId: string, time: number, end: number) {
  for (const model of basket) {
    const id = model.product.externalId;
    events.push({
      kind: "VIEW",
      customerExternalId: customerId,
      productExternalId: id,
      occurredAt: new Date(time - random.int(5, 120) * 60_000),
    });
    if (random.chance(0.85))
      events.push({
        kind: "ADD_TO_CART",
        customerExternalId: customerId,
        productExternalId: id,
        occurredAt: new Date(time - random.int(1, 4) * 60_000),
      });
    const reviewedAt = time + random.int(7, 30) * DAY;
    if (random.chance(0.12) && reviewedAt <= end) {
      const roll = random.next();
      const rating = roll < 0.55 ? 5 : roll < 0.8 ? 4 : roll < 0.9 ? 3 : roll < 0.95 ? 2 : 1;
      events.push({ kind: "REVIEW", customerExternalId: customerId, productExternalId: id, occurredAt: new Date(reviewedAt), rating });
    }
  }
}

/** Browsing in the week before the order that led nowhere: views, now and then a wishlist add or an abandoned cart. */
function browsingEvents(
  random: Random,
  events: DemoEvent[],
  pickProduct: ProductPicker,
  categoryPicker: WeightedPicker,
  customerId: string,
  time: number,
  begin: number,
) {
  const browsed = random.int(1, 5);
  for (let v = 0; v < browsed; v++) {
    const other = categoryPicker.pick(random);
    const model = pickProduct(other, random.pick(CATEGORIES[other].nouns).noun);
    if (!model) continue;
    const at = new Date(time - random.int(10, 60 * 24 * 7) * 60_000);
    if (at.getTime() < begin) continue;
    events.push({ kind: "VIEW", customerExternalId: customerId, productExternalId: model.product.externalId, occurredAt: at });
    if (random.chance(0.08))
      events.push({ kind: "WISHLIST_ADD", customerExternalId: customerId, productExternalId: model.product.externalId, occurredAt: at });
    else if (random.chance(0.06))
      events.push({ kind: "ADD_TO_CART", customerExternalId: customerId, productExternalId: model.product.externalId, occurredAt: at });
  }
}
