import { boughtItems, decayFactor, type Dataset } from "../dataset";

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

/** One history per dataset (and cap and weighing): the models of a training read it, none changes it. */
const histories = new WeakMap<Dataset, { bought: number[][]; byCap: Map<string, UserHistory> }>();

/**
 * The shoppers' history as the models keep it: per shopper their `maxItemsPerUser` strongest
 * positive interests, each with its interest weight, or with `recencyHalfLifeDays` with how
 * lately they last showed interest in it (1 on the day, halved every so many days).
 */
export function historyFromDataset(dataset: Dataset, { maxItemsPerUser = 50, recencyHalfLifeDays = 0 } = {}): UserHistory {
  let shared = histories.get(dataset);
  if (!shared)
    histories.set(dataset, (shared = { bought: dataset.userIds.map((_, user) => boughtItems(dataset, user)), byCap: new Map() }));
  const key = `${maxItemsPerUser}:${recencyHalfLifeDays}`;
  let history = shared.byCap.get(key);
  if (!history) {
    const items = strongestInterest(dataset, maxItemsPerUser, recencyHalfLifeDays ? lastInterest(dataset) : null, recencyHalfLifeDays);
    shared.byCap.set(key, (history = { userIds: dataset.userIds, items, bought: shared.bought }));
  }
  return history;
}

/** Per user: their `maxItemsPerUser` strongest positive interests, flat (item, weight, …): the interest, or its recency given the last times. */
function strongestInterest(
  dataset: Dataset,
  maxItemsPerUser: number,
  last: Map<number, number>[] | null,
  halfLifeDays: number,
): number[][] {
  if (maxItemsPerUser === 0) return dataset.userIds.map(() => []);
  return dataset.interest.map((interest, user) =>
    [...interest.entries()]
      .filter(([, weight]) => weight > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, maxItemsPerUser)
      .flatMap(([item, weight]): number[] => {
        const kept = last ? decayFactor(dataset.now - (last[user].get(item) ?? dataset.now), halfLifeDays) : weight;
        return [item, Math.round(kept * 1e4) / 1e4];
      }),
  );
}

/** Per user: item → the time of their latest positive event for it. */
function lastInterest(dataset: Dataset): Map<number, number>[] {
  const last: Map<number, number>[] = dataset.userIds.map(() => new Map());
  const { user, item, time, weight } = dataset.events;
  for (let e = 0; e < item.length; e++) {
    if (weight[e] <= 0) continue;
    const own = last[user[e]];
    if (!(time[e] <= (own.get(item[e]) ?? -Infinity))) own.set(item[e], time[e]);
  }
  return last;
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
