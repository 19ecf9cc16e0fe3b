import type { Catalogue, StoreProduct } from "./catalogue";

export interface CartLine {
  variantId: string;
  product: StoreProduct;
  quantity: number;
}

/** One shopper's cart, as Shopify's Ajax Cart API keeps it (lines by variant). */
export class Cart {
  readonly lines: CartLine[] = [];
  constructor(private readonly catalogue: Catalogue) {}

  /** Adds every item or none: an unknown variant or a bad quantity refuses the whole request, as Shopify does. */
  add(items: { variantId: string; quantity: number }[]): { lines: CartLine[] } | { error: string } {
    for (const item of items) {
      if (!this.catalogue.variant(item.variantId)) return { error: `Cannot find variant ${item.variantId}` };
      if (!Number.isInteger(item.quantity) || item.quantity < 1) return { error: `The quantity of variant ${item.variantId} must be a whole number of at least 1` };
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
