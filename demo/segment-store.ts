import type { EngineEvent, EngineItem } from "../app/engine";
import { Random } from "./random";

export interface SegmentStoreOptions {
  shape: "segments";
  /** Purchases in the store's history. */
  interactions: number;
  seed?: number;
}

export interface SegmentStore {
  items: EngineItem[];
  /** Generated as they are read, as training reads them from the database page by page. */
  events: Iterable<EngineEvent>;
}

/**
 * A store of about `interactions` purchases in the engine's shapes, for the training benchmark: 20
 * shopper segments with their own favourite products (Zipf-like), orders of 1–4 products, a year of
 * history; products are 5% of shoppers, up to 5,000.
 */
export function generateSegmentStore({ interactions, seed = 1 }: SegmentStoreOptions): SegmentStore {
  const source = new Random(seed);
  const random = () => source.next();
  const users = Math.max(100, Math.round(interactions / 20));
  const itemCount = Math.min(5_000, Math.max(200, Math.round(users / 4)));
  const items: EngineItem[] = Array.from({ length: itemCount }, (_, index) => ({
    id: `p${index}`,
    title: `Product ${index}`,
    productType: `type${index % 40}`,
  }));
  const segments = 20;
  const favourites = Array.from({ length: segments }, () => Array.from({ length: 150 }, () => Math.floor(random() * itemCount)));
  const yearMs = 365 * 86_400_000;
  const end = Date.UTC(2026, 10, 1);
  function* events(): Generator<EngineEvent> {
    let order = 0;
    let count = 0;
    while (count < interactions) {
      const user = Math.floor(random() * users);
      const liked = favourites[user % segments];
      const time = end - Math.floor(random() * yearMs);
      const basket = `o${order++}`;
      const size = 1 + Math.floor(random() * 4);
      for (let n = 0; n < size && count < interactions; n++, count++) {
        // Mostly the segment's favourites (the first ones most), sometimes anything.
        const item = random() < 0.8 ? liked[Math.floor(liked.length * random() ** 2)] : Math.floor(random() * itemCount);
        yield { userId: `u${user}`, itemId: `p${item}`, kind: "purchase", time, basketId: basket };
      }
    }
  }
  return { items, events: events() };
}
