import { boughtItems, type Dataset } from "../dataset";

/**
 * What a model remembers of each shopper: the items they bought and their interest weights,
 * so that a deserialized model can still answer "for this user" without the dataset.
 */
export interface UserHistory {
  userIds: string[];
  /**
   * Per user: item index and interest, alternating (item, interest, item, interest, …), strongest
   * first. Flat, because a pair per array costs four times the memory on a store of millions.
   */
  items: number[][];
  /** Per user: item indices they bought. */
  bought: number[][];
}

/**
 * The history as models of version 1 saved it: first with one [item, interest] array per pair,
 * later flat, under the same version number, so a row's shape is all that tells them apart.
 */
export interface UserHistoryV1 {
  userIds: string[];
  items: (number | number[])[][];
  bought: number[][];
}

export function historyFromV1(saved: UserHistoryV1): UserHistory {
  return { userIds: saved.userIds, items: flatRows(saved.items), bought: saved.bought };
}

/**
 * Rows of tuples as version 1 saved them, either one array per tuple ([[a, b], [a, b]]) or
 * already flat ([a, b, a, b]), as flat rows.
 */
export function flatRows(rows: (number | number[])[][]): number[][] {
  return rows.map((row) => (Array.isArray(row[0]) ? (row as number[][]).flat() : (row as number[])));
}

/** One history per dataset (and cap): the models of a training read it, none changes it. */
const histories = new WeakMap<Dataset, { bought: number[][]; byCap: Map<number, UserHistory> }>();

export function historyFromDataset(dataset: Dataset, maxItemsPerUser = 50): UserHistory {
  let shared = histories.get(dataset);
  if (!shared)
    histories.set(dataset, (shared = { bought: dataset.userIds.map((_, user) => boughtItems(dataset, user)), byCap: new Map() }));
  let history = shared.byCap.get(maxItemsPerUser);
  if (!history)
    shared.byCap.set(
      maxItemsPerUser,
      (history = { userIds: dataset.userIds, items: strongestInterest(dataset, maxItemsPerUser), bought: shared.bought }),
    );
  return history;
}

/** Per user: their `maxItemsPerUser` strongest positive interests, flat (item, interest, …). */
function strongestInterest(dataset: Dataset, maxItemsPerUser: number): number[][] {
  if (maxItemsPerUser === 0) return dataset.userIds.map(() => []);
  return dataset.interest.map((interest) =>
    [...interest.entries()]
      .filter(([, weight]) => weight > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, maxItemsPerUser)
      .flatMap(([item, weight]): number[] => [item, Math.round(weight * 1e4) / 1e4]),
  );
}

export class HistoryIndex {
  private readonly userIndex: Map<string, number>;

  constructor(readonly history: UserHistory) {
    this.userIndex = new Map(history.userIds.map((id, index) => [id, index]));
  }

  user(userId: string | undefined): number | undefined {
    return userId === undefined ? undefined : this.userIndex.get(userId);
  }

  /** The user's [item index, interest] pairs, strongest first. */
  interest(userId: string | undefined): [number, number][] {
    const user = this.user(userId);
    if (user === undefined) return [];
    return tuplesOf(this.history.items[user], 2) as [number, number][];
  }

  bought(userId: string | undefined): number[] {
    const user = this.user(userId);
    return user === undefined ? [] : this.history.bought[user];
  }
}

/** A flat row (a, b, a, b, …) as tuples of `size` ([a, b], …). */
export function tuplesOf(row: number[], size: number): number[][] {
  const tuples: number[][] = [];
  for (let i = 0; i < row.length; i += size) tuples.push(row.slice(i, i + size));
  return tuples;
}
