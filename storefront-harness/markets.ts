import type { StoreProduct } from "./catalogue";

/**
 * The storefront's markets, as Shopify Markets sets them up: the primary market (the shop's
 * currency and language, no URL prefix) and France (euros, French, under /fr). A product's offer
 * in France is derived from the catalogue, the same way on every run: prices converted at a fixed
 * rate and rounded up to the next x,95; some products with a fixed euro price set for the market
 * (a price list, never the converted amount); some with a French title; some not sold there.
 */
export interface Market {
  handle: string;
  country: { iso_code: string; name: string };
  currency: { iso_code: string; symbol: string };
  language: { iso_code: string; name: string };
  /** The URL prefix of the market's pages ("" for the primary market, "/fr"). */
  prefix: string;
  /** Store currency → market currency; 1 in the primary market. */
  rate: number;
}

/** What one market offers of a product: its price and title there, or that it is not sold there. */
export interface Offer {
  sold: boolean;
  title: string;
  priceCents: number;
  compareAtCents: number | null;
  /** The price comes from the market's price list, not from converting the store's price. */
  fixedPrice: boolean;
}

export const PRIMARY_MARKET: Market = {
  handle: "us",
  country: { iso_code: "US", name: "United States" },
  currency: { iso_code: "USD", symbol: "$" },
  language: { iso_code: "en", name: "English" },
  prefix: "",
  rate: 1,
};

export const FRANCE: Market = {
  handle: "fr",
  country: { iso_code: "FR", name: "France" },
  currency: { iso_code: "EUR", symbol: "€" },
  language: { iso_code: "fr", name: "Français" },
  prefix: "/fr",
  rate: 0.92,
};

export const MARKETS = [PRIMARY_MARKET, FRANCE];

/** The market a storefront path belongs to, and the path without the market's prefix. */
export function marketOfPath(path: string): { market: Market; rest: string } {
  for (const market of MARKETS) {
    if (market.prefix && (path === market.prefix || path.startsWith(`${market.prefix}/`)))
      return { market, rest: path.slice(market.prefix.length) || "/" };
  }
  return { market: PRIMARY_MARKET, rest: path };
}

/** French names of the demo store's products (the rest keep their English title, as Shopify falls back to the default language). */
const FRENCH_NOUNS: Record<string, string> = {
  "2-Person Tent": "Tente 2 places",
  "Sleeping Bag": "Sac de couchage",
  "Sleeping Pad": "Matelas de sol",
  Headlamp: "Lampe frontale",
  "Camp Stove": "Réchaud de camping",
  "Camp Chair": "Chaise de camp",
  "Water Filter": "Filtre à eau",
  "Hiking Boots": "Chaussures de randonnée",
  "Rain Jacket": "Veste de pluie",
  "Down Jacket": "Doudoune",
  "Knit Beanie": "Bonnet tricoté",
  "Chef Knife": "Couteau de chef",
  "Cutting Board": "Planche à découper",
  "Cast Iron Skillet": "Poêle en fonte",
  "French Press": "Cafetière à piston",
  "Yoga Mat": "Tapis de yoga",
  "Beach Towel": "Serviette de plage",
  "Ski Goggles": "Masque de ski",
  "Ski Helmet": "Casque de ski",
};

/** Ends a converted price on x,95, rounding up, as merchants' rounding rules do. */
export function roundUpTo95(cents: number): number {
  return Math.ceil((cents + 5) / 100) * 100 - 5;
}

/** The market's offers of the catalogue's products, by handle. */
export class MarketOffers {
  private readonly offers = new Map<string, Offer>();

  constructor(
    readonly market: Market,
    products: StoreProduct[],
  ) {
    // Sorted by handle, so that which product gets what does not depend on the database's order.
    const sorted = [...products].sort((a, b) => a.handle.localeCompare(b.handle));
    sorted.forEach((product, index) => this.offers.set(product.handle, this.offerOf(product, index)));
  }

  offer(handle: string): Offer | undefined {
    return this.offers.get(handle);
  }

  /** Every product's offer, for tests that look for a product with a fixed price or one not sold. */
  all(): [string, Offer][] {
    return [...this.offers.entries()];
  }

  private offerOf(product: StoreProduct, index: number): Offer {
    const own = {
      sold: true,
      title: product.title,
      priceCents: product.priceCents,
      compareAtCents: product.compareAtCents,
      fixedPrice: false,
    };
    if (this.market.rate === 1) return own;
    const noun = Object.keys(FRENCH_NOUNS).find((english) => product.title.endsWith(` ${english}`));
    const title = noun && index % 2 === 0 ? `${FRENCH_NOUNS[noun]} ${product.title.slice(0, -noun.length - 1)}` : product.title;
    // One product in seven is not sold in the market; one in five has a price set in whole euros.
    if (index % 7 === 3) return { ...own, sold: false, title };
    if (index % 5 === 1) {
      const priceCents = Math.max(100, Math.round((product.priceCents * 0.85) / 100) * 100);
      const compareAtCents = product.compareAtCents === null ? null : Math.round((product.compareAtCents * 0.85) / 100) * 100;
      return {
        sold: true,
        title,
        priceCents,
        compareAtCents: compareAtCents !== null && compareAtCents > priceCents ? compareAtCents : null,
        fixedPrice: true,
      };
    }
    const convert = (cents: number) => roundUpTo95(cents * this.market.rate);
    return {
      sold: true,
      title,
      priceCents: convert(product.priceCents),
      compareAtCents: product.compareAtCents === null ? null : convert(product.compareAtCents),
      fixedPrice: false,
    };
  }
}
