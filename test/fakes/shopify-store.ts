import type { FakeStore } from "./shopify-admin";

/**
 * A deterministic store in the Admin GraphQL API's shapes, with the cases the backfill must
 * clean: a test order, a gift card, a cancelled order, a partly refunded order, a line whose
 * product was deleted, and orders older than the history window.
 */
export function generateFakeStore(
  sizes: { products: number; customers: number; orders: number },
  now = new Date("2026-11-20T12:00:00Z"),
): FakeStore {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;
  const iso = (date: Date) => date.toISOString();
  const collections = [
    { id: gid("Collection", 501), handle: "kitchen", title: "Kitchen" },
    { id: gid("Collection", 502), handle: "garden", title: "Garden" },
    { id: gid("Collection", 503), handle: "christmas", title: "Christmas" },
  ];

  const products = Array.from({ length: sizes.products }, (_, i) => {
    const id = 7_000_000_000 + i;
    const giftCard = i === sizes.products - 1;
    const price = giftCard ? 50 : 5 + Math.round(random() * 9_500) / 100;
    return {
      id: gid("Product", id),
      handle: giftCard ? "gift-card" : `product-${i}`,
      title: giftCard ? "Gift card" : `Product ${i}`,
      description: `Description of product ${i}`,
      productType: giftCard ? "Gift card" : pick(["Mugs", "Plants", "Ornaments"]),
      vendor: pick(["Acme", "Northwind"]),
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
      collections: collections.filter((_, c) => (i + c) % 3 === 0),
    };
  });

  const customers = Array.from({ length: sizes.customers }, (_, i) => ({
    id: gid("Customer", 6_000_000_000 + i),
    firstName: `First${i}`,
    lastName: `Last${i}`,
    tags: i % 4 === 0 ? ["VIP"] : [],
    createdAt: "2024-02-01T00:00:00Z",
    updatedAt: "2026-09-01T00:00:00Z",
    defaultAddress: { countryCodeV2: pick(["GB", "FR", "US"]), provinceCode: null, city: "Town" },
  }));

  const sellable = products.filter((product) => !product.isGiftCard);
  const orders = Array.from({ length: sizes.orders }, (_, i) => {
    const id = 5_000_000_000 + i;
    // Orders spread over 30 months: the oldest fall outside the default 24-month window.
    const placed = new Date(now.getTime() - Math.floor((i / sizes.orders) * 900 + 1) * 86_400_000);
    const lines = Array.from({ length: 1 + (i % 4) }, (_, l) => {
      const product = pick(sellable);
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
      refunds: i % 13 === 5 ? [{ id: gid("Refund", id), createdAt: iso(new Date(placed.getTime() + 86_400_000)) }] : [],
      lineItems: lines,
    };
  });
  return { products, customers, orders };
}
