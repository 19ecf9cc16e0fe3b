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
   * Models saved before kept one [item, interest] array per pair; they are read too.
   */
  items: number[][];
  /** Per user: item indices they bought. */
  bought: number[][];
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

/**
 * A flat row (a, b, a, b, …) as tuples of `size` ([a, b], …). A row saved as tuples already (the
 * shape models had before rows were flat) is returned as it is.
 */
export function tuplesOf(row: (number | number[])[], size: number): number[][] {
  if (Array.isArray(row[0])) return row as number[][];
  const tuples: number[][] = [];
  for (let i = 0; i < row.length; i += size) tuples.push(row.slice(i, i + size) as number[]);
  return tuples;
}
