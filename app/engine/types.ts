/** What the engine learns from: one signal by one shopper about one product. */
export type EventKind = "purchase" | "refund" | "add_to_cart" | "view" | "wishlist_add" | "wishlist_remove" | "review" | "search";

export interface EngineEvent {
  userId: string;
  itemId: string;
  kind: EventKind;
  /** Milliseconds since the epoch. */
  time: number;
  quantity?: number;
  /** 1..5, for reviews. */
  rating?: number;
  /** The order a purchase belongs to, so that baskets can be rebuilt. */
  basketId?: string;
}

export interface EngineItem {
  id: string;
  title: string;
  description?: string;
  tags?: string[];
  productType?: string;
  vendor?: string;
  price?: number;
  available?: boolean;
  collections?: string[];
}

/** Why an item is recommended; the app turns it into words with product titles. */
export type Reason =
  | { kind: "popular" }
  | { kind: "trending"; collection?: string; season?: boolean }
  | { kind: "similar"; itemId: string }
  | { kind: "bought_with"; itemId: string }
  | { kind: "because_you_bought"; itemId: string }
  | { kind: "buy_again"; itemId: string }
  | { kind: "viewed" }
  | { kind: "featured" };

export interface Recommendation {
  itemId: string;
  score: number;
  reason: Reason;
}

export interface RecommendRequest {
  userId?: string;
  /** Items the shopper is looking at now: the product shown, the cart, recent views. */
  context?: string[];
  k: number;
  exclude?: Iterable<string>;
}

export interface FitOptions {
  onProgress?: (fraction: number, message?: string) => void;
}

export interface Recommender {
  readonly name: string;
  readonly version: number;
  recommend(request: RecommendRequest): Recommendation[];
  similar(itemId: string, k: number, exclude?: Iterable<string>): Recommendation[];
  /** The state `serialize` writes after the name and version. */
  toJSON(): unknown;
}
