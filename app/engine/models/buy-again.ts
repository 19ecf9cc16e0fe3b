import { forEachPurchased, type Dataset } from "../dataset";
import type { FitOptions, Recommendation, RecommendRequest, Recommender } from "../types";
import { flatRows, HistoryIndex, historyFromDataset, historyFromV1, tuplesOf, type UserHistory, type UserHistoryV1 } from "./history";
import { unreadableVersion } from "./versions";

const DAY_MS = 86_400_000;

/**
 * "Buy it again": a shopper's own purchases of products that people do rebuy (coffee beans,
 * socks), ranked by how due the next purchase is.
 *
 * A product's repurchase interval is the median gap between repeat purchases across all
 * shoppers. A shopper's item scores higher the more often they bought it and the closer the
 * time since their last purchase is to that interval:
 *
 *   score = log(1 + times bought) · exp(-|days since last / interval - 1|)
 *
 * Parameters (defaults):
 * - minRepeatShare (0.05): products fewer of whose buyers bought twice are not offered again
 *   (nobody restocks a tent).
 * - now: the time "due" is measured from (default: the dataset's latest event).
 */
export interface BuyAgainParams {
  minRepeatShare?: number;
  now?: number;
}

export const BUY_AGAIN_DEFAULTS = { minRepeatShare: 0.05 } as const satisfies BuyAgainParams;

/**
 * The evaluation harness's "buy it again" baseline (BuyAgainScorer in eval/scorers.ts) weighs a
 * shopper's purchases by a half-life in days rather than by this model's repurchase intervals.
 * BUY_AGAIN_HALF_LIFE_DAYS is the half-life of the 30-day check (eval/store-quality.ts), the
 * scorer's default and the benchmarks' blends with buy-again (bench/quality.ts);
 * BUY_AGAIN_HALF_LIFE_GRID the half-lives the benchmarks try on validation for the baseline alone.
 */
export const BUY_AGAIN_HALF_LIFE_DAYS = 90;
export const BUY_AGAIN_HALF_LIFE_GRID = [30, 90, 365];

/**
 * Each item's repurchase interval: the median gap in days between a shopper's purchases of it on
 * different days, over all its shoppers; 0 where fewer than `minRepeatShare` of its buyers bought
 * it on two days or more. `forEach` visits every (shopper, item) pair once with its purchase times.
 */
export function repurchaseIntervals(
  items: number,
  forEach: (visit: (item: number, times: ArrayLike<number>) => void) => void,
  minRepeatShare: number,
): number[] {
  const gaps: number[][] = Array.from({ length: items }, () => []);
  const buyers = new Float64Array(items);
  const repeaters = new Float64Array(items);
  forEach((item, times) => {
    buyers[item]++;
    const distinctDays = [...new Set(Array.from(times, (time) => Math.floor(time / DAY_MS)))];
    if (distinctDays.length > 1) repeaters[item]++;
    for (let i = 1; i < distinctDays.length; i++) gaps[item].push(distinctDays[i] - distinctDays[i - 1]);
  });
  return gaps.map((itemGaps, item) => {
    if (!itemGaps.length || repeaters[item] / buyers[item] < minRepeatShare) return 0;
    const sorted = itemGaps.sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  });
}

/** How due a repeat purchase is: log(1 + times bought) · exp(−|days since the last / interval − 1|). */
export function dueScore(timesBought: number, lastTime: number, intervalDays: number, now: number): number {
  const due = (now - lastTime) / DAY_MS / intervalDays;
  return Math.log1p(timesBought) * Math.exp(-Math.abs(due - 1));
}

interface BuyAgainState {
  params: { minRepeatShare: number };
  now: number;
  itemIds: string[];
  /** Median days between repeat purchases per item; 0 when the item is not rebought enough. */
  intervalDays: number[];
  /** Per user, flat: item index, times bought, last purchase time, then the next item's three. */
  purchases: number[][];
  history: UserHistory;
}

/**
 * Version 1: the same, with the purchases first saved as one [item, times, last] array per item
 * and later flat, and the history as it was saved then.
 */
type BuyAgainStateV1 = Omit<BuyAgainState, "purchases" | "history"> & { purchases: (number | number[])[][]; history: UserHistoryV1 };

export class BuyAgainModel implements Recommender {
  static readonly modelName = "buy-again";
  /** 2: the purchases and the shoppers' history are flat; fromJSON reads version 1 too. */
  static readonly modelVersion = 2;
  readonly name = BuyAgainModel.modelName;
  readonly version = BuyAgainModel.modelVersion;
  private readonly users: HistoryIndex;

  private constructor(private readonly state: BuyAgainState) {
    this.users = new HistoryIndex(state.history);
  }

  static fit(dataset: Dataset, params: BuyAgainParams = {}, options: FitOptions = {}): BuyAgainModel {
    const minRepeatShare = params.minRepeatShare ?? BUY_AGAIN_DEFAULTS.minRepeatShare;
    const intervalDays = repurchaseIntervals(
      dataset.items.length,
      (visit) => {
        for (let user = 0; user < dataset.userIds.length; user++) forEachPurchased(dataset, user, visit);
      },
      minRepeatShare,
    );
    options.onProgress?.(1, "buy again");
    return new BuyAgainModel({
      params: { minRepeatShare },
      now: params.now ?? dataset.now,
      itemIds: dataset.items.map((item) => item.id),
      intervalDays,
      purchases: dataset.userIds.map((_, user) => {
        const repeatable: number[] = [];
        forEachPurchased(dataset, user, (item, times) => {
          if (intervalDays[item] > 0) repeatable.push(item, times.length, times[times.length - 1]);
        });
        return repeatable;
      }),
      history: historyFromDataset(dataset, { maxItemsPerUser: 0 }),
    });
  }

  static fromJSON(state: unknown, version: unknown = BuyAgainModel.modelVersion): BuyAgainModel {
    switch (version) {
      case 1: {
        const saved = state as BuyAgainStateV1;
        return new BuyAgainModel({ ...saved, purchases: flatRows(saved.purchases), history: historyFromV1(saved.history) });
      }
      case 2:
        return new BuyAgainModel(state as BuyAgainState);
      default:
        throw unreadableVersion(BuyAgainModel.modelName, version, BuyAgainModel.modelVersion);
    }
  }

  toJSON(): BuyAgainState {
    return this.state;
  }

  /** Median days between repeat purchases of an item (0 when it is not a rebuy product). */
  intervalDays(itemId: string): number {
    const index = this.state.itemIds.indexOf(itemId);
    return index < 0 ? 0 : this.state.intervalDays[index];
  }

  recommend(request: RecommendRequest): Recommendation[] {
    const user = this.users.user(request.userId);
    if (user === undefined) return [];
    const exclude = new Set(request.exclude ?? []);
    const now = this.state.now;
    return (tuplesOf(this.state.purchases[user], 3) as [number, number, number][])
      .filter(([item]) => !exclude.has(this.state.itemIds[item]))
      .map(([item, count, last]) => ({ item, score: dueScore(count, last, this.state.intervalDays[item], now) }))
      .sort((a, b) => b.score - a.score || a.item - b.item)
      .slice(0, request.k)
      .map(({ item, score }) => ({
        itemId: this.state.itemIds[item],
        score: Math.round(score * 1e6) / 1e6,
        reason: { kind: "buy_again", itemId: this.state.itemIds[item] },
      }));
  }

  similar(): Recommendation[] {
    return [];
  }
}
