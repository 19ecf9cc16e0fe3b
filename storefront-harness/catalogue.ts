import type { PrismaClient } from "@prisma/client";

/** A product as the storefront shows it: prices in cents, the variant a button adds. */
export interface StoreProduct {
  externalId: string;
  handle: string;
  title: string;
  description: string;
  priceCents: number;
  /** The compare-at price in cents, when the product is on sale. */
  compareAtCents: number | null;
  /** In stock (the product's availability, as the app reads it). */
  available: boolean;
  /** Where the storefront loads the image from (the harness serves /cdn/shop/files/…). */
  image: string | null;
  variantId: string;
}

export interface StoreCustomer {
  id: string;
  first_name: string;
  last_name: string;
  orders_count?: number;
}

/** The shop's products and variants, read once from the app's database, as the storefront would have them. */
export class Catalogue {
  private readonly byVariant = new Map<string, StoreProduct>();
  private readonly images = new Map<string, string>();

  private constructor(
    private readonly db: PrismaClient,
    private readonly shopId: string,
    private readonly handles: Map<string, StoreProduct>,
    sourceImages: Map<string, string | null>,
  ) {
    for (const product of handles.values()) {
      this.byVariant.set(product.variantId, product);
      const source = sourceImages.get(product.handle);
      if (source?.startsWith("data:image/svg+xml,"))
        this.images.set(`${product.handle}.svg`, decodeURIComponent(source.slice("data:image/svg+xml,".length)));
    }
  }

  static async load(db: PrismaClient, shopId: string): Promise<Catalogue> {
    const rows = await db.product.findMany({
      where: { shopId, status: "ACTIVE", deletedAt: null, handle: { not: null } },
      select: {
        externalId: true,
        handle: true,
        title: true,
        description: true,
        priceMin: true,
        compareAtPrice: true,
        available: true,
        imageUrl: true,
        variants: { select: { externalId: true, price: true, compareAtPrice: true, available: true } },
      },
    });
    const handles = new Map<string, StoreProduct>();
    const sourceImages = new Map<string, string | null>();
    for (const row of rows) {
      const variant = row.variants.find((candidate) => candidate.available) ?? row.variants[0];
      if (!variant || !row.handle) continue;
      sourceImages.set(row.handle, row.imageUrl);
      handles.set(row.handle, {
        externalId: row.externalId,
        handle: row.handle,
        title: row.title,
        description: row.description,
        priceCents: Math.round(Number(variant.price) * 100),
        compareAtCents: compareAtCents(variant.compareAtPrice ?? row.compareAtPrice, Number(variant.price)),
        available: row.available,
        // Inline images are served from the storefront's CDN path, as Shopify serves product images.
        image: row.imageUrl ? (row.imageUrl.startsWith("data:") ? `/cdn/shop/files/${row.handle}.svg` : row.imageUrl) : null,
        variantId: variant.externalId,
      });
    }
    return new Catalogue(db, shopId, handles, sourceImages);
  }

  products(): StoreProduct[] {
    return [...this.handles.values()];
  }

  byHandle(handle: string): StoreProduct | undefined {
    return this.handles.get(handle);
  }

  variant(variantId: string): StoreProduct | undefined {
    return this.byVariant.get(variantId);
  }

  /** An image file under /cdn/shop/files/: the product's own SVG, or a placeholder with its title. */
  image(name: string): string | null {
    const known = this.images.get(name);
    if (known) return known;
    const product = this.handles.get(name.replace(/\.svg$/, ""));
    if (!product) return null;
    const initials = product.title
      .split(" ")
      .slice(0, 2)
      .map((word) => word[0] ?? "")
      .join("")
      .replace(/[<&>'"]/g, "");
    return `<svg xmlns='http://www.w3.org/2000/svg' width='400' height='400' viewBox='0 0 400 400'><rect width='400' height='400' fill='#8a9bb0'/><text x='200' y='240' font-family='sans-serif' font-size='120' fill='#fff' text-anchor='middle'>${initials}</text></svg>`;
  }

  async customer(externalId: string): Promise<StoreCustomer | null> {
    const row = await this.db.customer.findUnique({ where: { shopId_externalId: { shopId: this.shopId, externalId } } });
    return row && { id: row.externalId, first_name: row.firstName ?? "", last_name: row.lastName ?? "" };
  }

  /** The customers with the most orders, for the sign-in page. */
  async frequentCustomers(limit: number): Promise<StoreCustomer[]> {
    const buyers = await this.db.order.groupBy({
      by: ["customerId"],
      where: { shopId: this.shopId, customerId: { not: null } },
      _count: { _all: true },
      orderBy: { _count: { customerId: "desc" } },
      take: limit,
    });
    const rows = await this.db.customer.findMany({ where: { id: { in: buyers.map((buyer) => buyer.customerId!) } } });
    const counts = new Map(buyers.map((buyer) => [buyer.customerId, buyer._count._all]));
    return rows
      .map((row) => ({
        id: row.externalId,
        first_name: row.firstName ?? "",
        last_name: row.lastName ?? "",
        orders_count: counts.get(row.id) ?? 0,
      }))
      .sort((a, b) => b.orders_count - a.orders_count);
  }
}

/** A compare-at price only when it is above the price, as a theme shows one. */
function compareAtCents(compareAt: { toString(): string } | null, price: number): number | null {
  const value = compareAt === null ? NaN : Number(compareAt.toString());
  return Number.isFinite(value) && value > price ? Math.round(value * 100) : null;
}
