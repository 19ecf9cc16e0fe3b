import type { Dataset } from "../dataset";

/**
 * What a model remembers of each shopper: the items they bought and their interest weights,
 * so that a deserialized model can still answer "for this user" without the dataset.
 */
export interface UserHistory {
  userIds: string[];
  /** Per user: [item index, interest] pairs, strongest first. */
  items: [number, number][][];
  /** Per user: item indices they bought. */
  bought: number[][];
}

/** One history per dataset (and cap): the models of a training read it, none changes it. */
const histories = new WeakMap<Dataset, Map<number, UserHistory>>();

export function historyFromDataset(dataset: Dataset, maxItemsPerUser = 50): UserHistory {
  let byCap = histories.get(dataset);
  if (!byCap) histories.set(dataset, (byCap = new Map()));
  let history = byCap.get(maxItemsPerUser);
  if (!history) byCap.set(maxItemsPerUser, (history = buildHistory(dataset, maxItemsPerUser)));
  return history;
}

function buildHistory(dataset: Dataset, maxItemsPerUser: number): UserHistory {
  return {
    userIds: dataset.userIds,
    items: dataset.interest.map((interest) =>
      [...interest.entries()]
        .filter(([, weight]) => weight > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, maxItemsPerUser)
        .map(([item, weight]) => [item, Math.round(weight * 1e4) / 1e4] as [number, number]),
    ),
    bought: dataset.purchases.map((purchases) => [...purchases.keys()]),
  };
}

export class HistoryIndex {
  private readonly userIndex: Map<string, number>;

  constructor(readonly history: UserHistory) {
    this.userIndex = new Map(history.userIds.map((id, index) => [id, index]));
  }

  user(userId: string | undefined): number | undefined {
    return userId === undefined ? undefined : this.userIndex.get(userId);
  }

  interest(userId: string | undefined): [number, number][] {
    const user = this.user(userId);
    return user === undefined ? [] : this.history.items[user];
  }

  bought(userId: string | undefined): number[] {
    const user = this.user(userId);
    return user === undefined ? [] : this.history.bought[user];
  }
}
