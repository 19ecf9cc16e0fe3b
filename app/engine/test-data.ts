import type { EngineEvent, EngineItem } from "./types";

export const DAY = 86_400_000;
export const NOW = Date.UTC(2026, 9, 31);

export function items(...ids: string[]): EngineItem[] {
  return ids.map((id) => ({ id, title: id.toUpperCase(), collections: [id.startsWith("c") ? "Coffee" : "Camping"] }));
}

/** One order: a purchase event per item, sharing a basket id. */
export function order(user: string, basket: string, daysAgo: number, ...itemIds: string[]): EngineEvent[] {
  return itemIds.map((itemId) => ({ userId: user, itemId, kind: "purchase", time: NOW - daysAgo * DAY, basketId: basket }));
}
