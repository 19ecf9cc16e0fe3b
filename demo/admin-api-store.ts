import { Random } from "./random";

export interface AdminApiStoreOptions {
  shape: "admin-api";
  products: number;
  customers: number;
  orders: number;
  seed?: number;
  /** The moment the store is read: the orders go back 900 days from the day before it. */
  end?: Date;
}

const DAY = 86_400_000;
const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;
const iso = (date: Date) => date.toISOString();

const COLLECTIONS = [
  { id: gid("Collection", 501), handle: "kitchen", title: "Kitchen" },
  { id: gid("Collection", 502), handle: "garden", title: "Garden" },
  { id: gid("Collection", 503), handle: "christmas", title: "Christmas" },
];

/**
 * A store in the Admin GraphQL API's shapes, for the fake Admin API, with the cases the backfill
 * must clean: a test order, a gift card, a cancelled order, a partly refunded order, a line whose
 * product was deleted, and orders older than the history window.
 */
export function generateAdminApiStore({
  products,
  customers,
  orders,
  seed = 42,
  end = new Date("2026-11-20T12:00:00Z"),
}: AdminApiStoreOptions) {
  const random = new Random(seed);
  const catalogue = adminProducts(random, products);
  const shoppers = adminCustomers(random, customers);
  return { products: catalogue, customers: shoppers, orders: adminOrders(random, catalogue, shoppers, orders, end) };
}

export type AdminApiStore = ReturnType<typeof generateAdminApiStore>;
type AdminProduct = ReturnType<typeof adminProducts>[number];

/** Numbered products with tags to clean, a draft now and then, some out of stock, and a gift card last. */
function adminProducts(random: Random, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const id = 7_000_000_000 + i;
    const giftCard = i === count - 1;
    const price = giftCard ? 50 : 5 + Math.round(random.next() * 9_500) / 100;
    return {
      id: gid("Product", id),
      handle: giftCard ? "gift-card" : `product-${i}`,
      title: giftCard ? "Gift card" : `Product ${i}`,
      description: `Description of product ${i}`,
      productType: giftCard ? "Gift card" : random.pick(["Mugs", "Plants", "Ornaments"]),
      vendor: random.pick(["Acme", "Northwind"]),
      tags: ["Handmade", ` Sale `].slice(0, 1 + (i % 2)),
      status: i % 17 === 16 ? "DRAFT" : "ACTIVE",
      isGiftCard: giftCard,
      createdAt: "2024-01-01T00:00:00Z",
      updatedAt: "2026-10-01T00:00:00Z",
      publishedAt: "2024-01-02T00:00:00Z",
      featuredMedia: { preview: { image: { url: `https://cdn.shopify.com/s/files/product-${i}.jpg`, altText: `Product ${i}` } } },
      variants: Array.from({ length: 1 + (i % 3) }, (_, v) => ({
        id: gid("ProductVariant", id * 10 + v),
        title: v === 0 ? "Default Title" : `Size ${v}`,
        sku: `SKU-${i}-${v}`,
        price: price.toFixed(2),
        compareAtPrice: i % 5 === 0 ? (price * 1.2).toFixed(2) : null,
        inventoryQuantity: i % 11 === 10 ? 0 : 20,
        inventoryItem: { id: gid("InventoryItem", id * 10 + v) },
      })),
      collections: COLLECTIONS.filter((_, c) => (i + c) % 3 === 0),
    };
  });
}

function adminCustomers(random: Random, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: gid("Customer", 6_000_000_000 + i),
    firstName: `First${i}`,
    lastName: `Last${i}`,
    tags: i % 4 === 0 ? ["VIP"] : [],
    createdAt: "2024-02-01T00:00:00Z",
    updatedAt: "2026-09-01T00:00:00Z",
    defaultAddress: { countryCodeV2: random.pick(["GB", "FR", "US"]), provinceCode: null, city: "Town" },
  }));
}

/** 1–4 lines of sellable products; now and then a gift card line, and a line whose product was deleted. */
function adminLines(random: Random, products: AdminProduct[], sellable: AdminProduct[], i: number) {
  const id = 5_000_000_000 + i;
  const lines = Array.from({ length: 1 + (i % 4) }, (_, l) => {
    const product = random.pick(sellable);
    const quantity = 1 + (l % 2);
    return {
      id: gid("LineItem", id * 10 + l),
      title: product.title,
      quantity,
      currentQuantity: i % 13 === 5 && l === 0 ? quantity - 1 : quantity,
      isGiftCard: false,
      product: { id: product.id },
      variant: { id: product.variants[0].id },
      originalUnitPriceSet: { shopMoney: { amount: product.variants[0].price, currencyCode: "USD" } },
    };
  });
  if (i % 29 === 3)
    lines.push({
      ...lines[0],
      id: gid("LineItem", id * 10 + 9),
      title: "Gift card",
      isGiftCard: true,
      product: { id: products.at(-1)!.id },
      variant: { id: products.at(-1)!.variants[0].id },
    });
  if (i % 31 === 7)
    lines.push({ ...lines[0], id: gid("LineItem", id * 10 + 8), title: "Discontinued", product: null as never, variant: null as never });
  return lines;
}

/** Orders spread over 30 months, so the oldest fall outside the default 24-month window; some test, cancelled, refunded or a guest's. */
function adminOrders(random: Random, products: AdminProduct[], customers: { id: string }[], count: number, end: Date) {
  const sellable = products.filter((product) => !product.isGiftCard);
  return Array.from({ length: count }, (_, i) => {
    const id = 5_000_000_000 + i;
    const placed = new Date(end.getTime() - Math.floor((i / count) * 900 + 1) * DAY);
    const lines = adminLines(random, products, sellable, i);
    return {
      id: gid("Order", id),
      name: `#${1000 + i}`,
      createdAt: iso(placed),
      processedAt: iso(placed),
      updatedAt: iso(placed),
      cancelledAt: i % 23 === 11 ? iso(new Date(placed.getTime() + 3_600_000)) : null,
      test: i % 37 === 2,
      currencyCode: "USD",
      displayFinancialStatus: i % 13 === 5 ? "PARTIALLY_REFUNDED" : "PAID",
      totalPriceSet: {
        shopMoney: {
          amount: lines.reduce((sum, line) => sum + Number(line.originalUnitPriceSet.shopMoney.amount) * line.quantity, 0).toFixed(2),
        },
      },
      customer: i % 6 === 0 ? null : { id: customers[i % customers.length].id },
      billingAddress: { countryCodeV2: "GB" },
      refunds: i % 13 === 5 ? [{ id: gid("Refund", id), createdAt: iso(new Date(placed.getTime() + DAY)) }] : [],
      lineItems: lines,
    };
  });
}
