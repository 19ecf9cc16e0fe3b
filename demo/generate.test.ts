import { describe, expect, it } from "vitest";
import { generateDemoStore, generateStore, summarizeDemoStore, type DemoStore } from "./generate";

const DAY = 86_400_000;

describe("generateDemoStore", () => {
  const started = performance.now();
  const store = generateDemoStore();
  const seconds = (performance.now() - started) / 1000;
  const products = new Map(store.products.map((product) => [product.externalId, product]));
  const categoryOf = (externalId: string) => products.get(externalId)!.collectionHandles[0];

  it("is deterministic: the same seed gives the same store, another seed another", () => {
    const small = (seed: number) => JSON.stringify(generateDemoStore({ seed, products: 60, customers: 100, orders: 500 }));
    expect(small(7)).toBe(small(7));
    expect(small(7)).not.toBe(small(8));
  });

  it("has the requested size, in under three seconds", () => {
    expect(summarizeDemoStore(store)).toMatchObject({ collections: 8, products: 500, customers: 2000, orders: 20_000 });
    expect(store.events.length).toBeGreaterThan(4 * store.orders.length);
    expect(seconds).toBeLessThan(3);
  });

  it("references only products, variants and customers that exist, inside the window", () => {
    const customers = new Set(store.customers.map((customer) => customer.externalId));
    const variants = new Set(store.products.flatMap((product) => product.variants.map((variant) => variant.externalId)));
    const end = new Date("2026-10-31T23:59:59Z").getTime();
    const begin = new Date("2024-10-31T23:59:59Z").getTime();
    for (const order of store.orders) {
      expect(customers.has(order.customerExternalId)).toBe(true);
      expect(order.processedAt.getTime()).toBeGreaterThanOrEqual(begin);
      expect(order.processedAt.getTime()).toBeLessThanOrEqual(end);
      expect(order.lines.length).toBeGreaterThan(0);
      expect(order.totalPrice).toBeCloseTo(
        order.lines.reduce((sum, line) => sum + line.price * line.quantity, 0),
        2,
      );
      for (const line of order.lines) {
        expect(products.has(line.productExternalId)).toBe(true);
        expect(variants.has(line.variantExternalId)).toBe(true);
      }
    }
    for (const event of store.events) {
      expect(products.has(event.productExternalId) && customers.has(event.customerExternalId)).toBe(true);
      expect(event.occurredAt.getTime()).toBeGreaterThanOrEqual(begin);
      expect(event.occurredAt.getTime()).toBeLessThanOrEqual(end);
      if (event.kind === "REVIEW") expect(event.rating).toBeGreaterThanOrEqual(1);
    }
  });

  it("sells swimwear in summer and ski gear in winter", () => {
    const share = (category: string, months: number[]) => {
      const lines = store.orders.filter((order) => months.includes(order.processedAt.getUTCMonth())).flatMap((order) => order.lines);
      return lines.filter((line) => categoryOf(line.productExternalId) === category).length / lines.length;
    };
    expect(share("swimwear", [5, 6, 7])).toBeGreaterThan(2 * share("swimwear", [11, 0, 1]));
    expect(share("winter-sports", [11, 0, 1])).toBeGreaterThan(2 * share("winter-sports", [5, 6, 7]));
  });

  it("puts complementary products in the same basket far above chance", () => {
    const lift = (store: DemoStore, nounA: string, nounB: string) => {
      const has = (order: DemoStore["orders"][number], noun: string) =>
        order.lines.some((line) => products.get(line.productExternalId)!.title.endsWith(noun));
      const a = store.orders.filter((order) => has(order, nounA)).length;
      const b = store.orders.filter((order) => has(order, nounB)).length;
      const both = store.orders.filter((order) => has(order, nounA) && has(order, nounB)).length;
      return (both * store.orders.length) / (a * b);
    };
    expect(lift(store, "2-Person Tent", "Sleeping Bag")).toBeGreaterThan(3);
    expect(lift(store, "Burr Coffee Grinder", "Single-Origin Coffee Beans")).toBeGreaterThan(3);
  });

  it("has shoppers who rebuy consumables and a long tail of activity", () => {
    const purchases = new Map<string, number[]>();
    for (const order of store.orders) {
      for (const line of order.lines) {
        if (!products.get(line.productExternalId)!.title.endsWith("Coffee Beans")) continue;
        const key = `${order.customerExternalId}:${line.productExternalId}`;
        purchases.set(key, [...(purchases.get(key) ?? []), order.processedAt.getTime()]);
      }
    }
    const gaps = [...purchases.values()].flatMap((times) => times.slice(1).map((time, i) => (time - times[i]) / DAY));
    expect(gaps.length).toBeGreaterThan(200);
    const median = gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    expect(median).toBeGreaterThan(15);
    expect(median).toBeLessThan(90);

    const perCustomer = new Map<string, number>();
    for (const order of store.orders) perCustomer.set(order.customerExternalId, (perCustomer.get(order.customerExternalId) ?? 0) + 1);
    const counts = [...perCustomer.values()];
    expect(counts.filter((count) => count >= 30).length).toBeGreaterThan(20);
    expect(counts.filter((count) => count <= 2).length).toBeGreaterThan(counts.length * 0.1);
  });
});

describe("generateStore", () => {
  it("gives the demo store by default", () => {
    const options = { seed: 7, products: 60, customers: 100, orders: 500 };
    expect(JSON.stringify(generateStore(options))).toBe(JSON.stringify(generateDemoStore(options)));
  });

  it("streams the training benchmark's shopper segments, exactly the purchases asked for", () => {
    const { items, events } = generateStore({ shape: "segments", interactions: 5_000 });
    const purchases = [...events];
    expect(items).toHaveLength(200);
    expect(purchases).toHaveLength(5_000);
    expect(new Set(purchases.map((event) => event.userId)).size).toBeLessThanOrEqual(250);
    expect(purchases.every((event) => event.kind === "purchase" && event.basketId && items[Number(event.itemId.slice(1))])).toBe(true);
  });

  it("gives the fake Admin API a store with the cases the backfill must clean", () => {
    const end = new Date("2026-11-20T12:00:00Z");
    const store = generateStore({ shape: "admin-api", products: 40, customers: 30, orders: 240, end });
    expect([store.products.length, store.customers.length, store.orders.length]).toEqual([40, 30, 240]);
    expect(store.products.at(-1)).toMatchObject({ handle: "gift-card", isGiftCard: true });
    const lines = store.orders.flatMap((order) => order.lineItems);
    expect(lines.some((line) => line.isGiftCard) && lines.some((line) => line.product === null)).toBe(true);
    expect(store.orders.some((order) => order.test) && store.orders.some((order) => order.cancelledAt)).toBe(true);
    const windowStart = new Date("2024-11-20T12:00:00Z").getTime();
    expect(store.orders.some((order) => new Date(order.createdAt).getTime() < windowStart)).toBe(true);
    expect(store.orders.every((order) => new Date(order.createdAt).getTime() < end.getTime())).toBe(true);
  });
});
