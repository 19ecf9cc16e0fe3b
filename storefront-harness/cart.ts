import type { Catalogue, StoreProduct } from "./catalogue";
import { PRIMARY_MARKET, type Market } from "./markets";

export interface CartLine {
  variantId: string;
  product: StoreProduct;
  quantity: number;
}

/**
 * One shopper's cart, as Shopify's Ajax Cart API keeps it (lines by variant), priced in its market:
 * the market of the last page the shopper opened, as Shopify's localization follows the URL.
 */
export class Cart {
  readonly lines: CartLine[] = [];
  market: Market = PRIMARY_MARKET;
  constructor(private readonly catalogue: Catalogue) {}

  /**
   * Adds every item or none: an unknown variant, a product the cart's market does not sell
   * (`sold`) or a bad quantity refuses the whole request, as Shopify does.
   */
  add(
    items: { variantId: string; quantity: number }[],
    sold: (product: StoreProduct) => boolean = () => true,
  ): { lines: CartLine[] } | { error: string } {
    for (const item of items) {
      const product = this.catalogue.variant(item.variantId);
      if (!product) return { error: `Cannot find variant ${item.variantId}` };
      if (!sold(product)) return { error: `${product.title} is not sold in ${this.market.country.name}` };
      if (!Number.isInteger(item.quantity) || item.quantity < 1)
        return { error: `The quantity of variant ${item.variantId} must be a whole number of at least 1` };
    }
    const added = items.map((item) => {
      let line = this.lines.find((existing) => existing.variantId === item.variantId);
      if (!line) this.lines.push((line = { variantId: item.variantId, product: this.catalogue.variant(item.variantId)!, quantity: 0 }));
      line.quantity += item.quantity;
      return line;
    });
    return { lines: added };
  }
}

/** Carts by the cart cookie's token. */
export class Carts {
  private readonly carts = new Map<string, Cart>();
  constructor(private readonly catalogue: Catalogue) {}
  get(token: string): Cart {
    let cart = this.carts.get(token);
    if (!cart) this.carts.set(token, (cart = new Cart(this.catalogue)));
    return cart;
  }
}
