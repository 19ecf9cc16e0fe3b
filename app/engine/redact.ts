import { deserializeModel, serializeModel } from "./registry";
import type { Recommender } from "./types";

interface StateWithHistory {
  history?: { userIds: string[]; items: unknown[][]; bought: unknown[][] };
  purchases?: unknown[][];
}

/**
 * A copy of a serialized model that no longer knows the shopper: their id and everything
 * remembered about them (history, purchases) is removed. Aggregates such as popularity or
 * co-occurrence counts hold no per-person data and stay as they are until the next training.
 */
export function forgetUser(bytes: Uint8Array, userId: string): { bytes: Uint8Array; changed: boolean } {
  const model: Recommender = deserializeModel(bytes);
  const state = model.toJSON() as StateWithHistory;
  const index = state.history?.userIds.indexOf(userId) ?? -1;
  if (index < 0 || !state.history) return { bytes, changed: false };
  state.history.userIds[index] = "";
  state.history.items[index] = [];
  state.history.bought[index] = [];
  if (state.purchases) state.purchases[index] = [];
  // toJSON returns the live state, so the edits above are what gets written.
  return { bytes: serializeModel(model), changed: true };
}
