import { Drop } from "liquidjs";
import type { CartLine } from "./cart";
import type { StoreProduct } from "./catalogue";
import type { Market, MarketOffers, Offer } from "./markets";

/** Shopify's `all_products` answers at most this many distinct handles a page; later ones are empty. */
const ALL_PRODUCTS_HANDLES_PER_PAGE = 20;

/** A product as Liquid sees it in one market: that market's title, prices, availability and URL. */
export function productObject(product: StoreProduct, market: Market, offer: Offer) {
  return {
    id: Number(product.externalId) || product.externalId,
    handle: product.handle,
    title: offer.title,
    description: product.description,
    price: offer.priceCents,
    compare_at_price: offer.compareAtCents,
    available: product.available,
    url: `${market.prefix}/products/${encodeURIComponent(product.handle)}`,
    featured_image: product.image ? { src: product.image, alt: offer.title, width: 720, height: 720 } : null,
    selected_or_first_available_variant: { id: Number(product.variantId) || product.variantId },
  };
}

/**
 * `all_products[handle]` in one market: the product if the market sells it, else nil (Shopify's
 * `empty`), and nil for every handle after the first 20 distinct ones the page asked for.
 */
export class AllProductsDrop extends Drop {
  private readonly asked = new Set<string>();

  constructor(private readonly find: (handle: string) => ReturnType<typeof productObject> | undefined) {
    super();
  }

  liquidMethodMissing(handle: unknown) {
    const key = String(handle);
    if (!this.asked.has(key)) {
      if (this.asked.size >= ALL_PRODUCTS_HANDLES_PER_PAGE) return undefined;
      this.asked.add(key);
    }
    return this.find(key);
  }

  /** How many distinct handles the page asked for (within the limit). */
  get handlesAsked(): number {
    return this.asked.size;
  }
}

/** A cart line priced in the cart's market. */
export function lineObject(line: CartLine, offers: MarketOffers) {
  const offer = offers.offer(line.product.handle);
  const price = offer?.priceCents ?? line.product.priceCents;
  return {
    id: Number(line.variantId) || line.variantId,
    variant_id: Number(line.variantId) || line.variantId,
    product_id: Number(line.product.externalId) || line.product.externalId,
    title: offer?.title ?? line.product.title,
    handle: line.product.handle,
    quantity: line.quantity,
    price,
    line_price: price * line.quantity,
    url: `${offers.market.prefix}/products/${encodeURIComponent(line.product.handle)}`,
  };
}

export function cartObject(lines: CartLine[], offers: MarketOffers) {
  const items = lines.map((line) => lineObject(line, offers));
  return {
    item_count: items.reduce((sum, item) => sum + item.quantity, 0),
    items,
    total_price: items.reduce((sum, item) => sum + item.line_price, 0),
    currency: { iso_code: offers.market.currency.iso_code },
  };
}

/** The market-dependent global objects of a page: request.locale, localization and routes. */
export function marketGlobals(market: Market, locale: string) {
  const root = market.prefix || "/";
  return {
    request: { locale: { iso_code: locale } },
    localization: {
      country: { ...market.country, currency: market.currency },
      language: market.language,
      market: { handle: market.handle },
    },
    routes: { root_url: root, cart_url: `${market.prefix}/cart`, cart_add_url: `${market.prefix}/cart/add` },
  };
}
