import { decayFactor, type Dataset } from "../dataset";
import { topK } from "../topk";
import type { FitOptions, Recommendation, RecommendRequest, Recommender } from "../types";
import { HistoryIndex, historyFromDataset, historyFromV1, type UserHistory, type UserHistoryV1 } from "./history";
import { unreadableVersion } from "./versions";

/**
 * Time-decayed popularity, with the season a year back: every event adds its weight, halved
 * every `halfLifeDays`; where the history reaches back a year, part of the score is what sold in
 * the coming weeks of last year (so Christmas goods lead in late November, camping gear in May).
 *
 * Parameters (defaults):
 * - halfLifeDays (30): how fast old sales stop counting; short for "trending", long for "best sellers".
 * - seasonDays (30): the window a year back, from the same day last year on.
 * - seasonShare (SEASON_SHARE): the share of the score that comes from that window (each part as
 *   a share of its total, so the two are on one scale); 0 turns it off, and it is 0 where the
 *   window holds under MIN_SEASON_SALES (weighted events). Training sets it from the shop's
 *   30-day check (`choices.trending.season`).
 * - excludePurchased (true): leave out what the shopper already bought.
 */
export interface PopularityParams {
  halfLifeDays?: number;
  seasonDays?: number;
  seasonShare?: number;
  excludePurchased?: boolean;
}

/** The share of "same weeks last year" in popularity, chosen on the demo store (README, "Trending"). */
export const SEASON_SHARE = 0.5;
export const POPULARITY_DEFAULTS: Required<PopularityParams> = {
  halfLifeDays: 30,
  seasonDays: 30,
  seasonShare: SEASON_SHARE,
  excludePurchased: true,
};
/** The shares of last year's weeks the benchmarks try on validation for "Trending" with the season (bench/quality.ts). */
export const SEASON_SHARE_GRID = [0.25, 0.5, 0.75, 1];
const YEAR_MS = 365 * 86_400_000;
/** Below this weight of sales in the weeks a year back, they say nothing of a season. */
export const MIN_SEASON_SALES = 20;
/** How far the season must outweigh recent sales, and on how many sales, for an item to be "popular this time of year". */
const IN_SEASON_RATIO = 2;
const IN_SEASON_MIN_SALES = 3;

/** The weeks a year back that popularity reads the season from, seen from `now`: [from, to) in ms. */
export function seasonWindow(now: number, seasonDays = POPULARITY_DEFAULTS.seasonDays): [number, number] {
  return [now - YEAR_MS, now - YEAR_MS + seasonDays * 86_400_000];
}

/**
 * Each item's popularity seen from `now` (see PopularityModel), in its two parts: `recent`, its
 * decayed share of the sales times (1 − share), and `season`, its share of the sales in the
 * `seasonDays` from a year before `now` times the share (0 where those weeks had under
 * MIN_SEASON_SALES); `seasonSales`, each item's sales in those weeks. `events` may be a subset
 * (`positions`); weights default to 1; events after `now` are left out.
 */
export function popularityParts(
  items: number,
  events: { item: ArrayLike<number>; time: ArrayLike<number>; weight?: ArrayLike<number>; positions?: ArrayLike<number> },
  now: number,
  params: { halfLifeDays: number; seasonDays: number; seasonShare: number },
): { recent: Float64Array; season: Float64Array; seasonSales: Float64Array } {
  if (!(params.halfLifeDays > 0) || !(params.seasonDays > 0) || !(params.seasonShare >= 0 && params.seasonShare <= 1)) {
    throw new Error(`popularity: halfLifeDays and seasonDays must be positive and seasonShare within 0..1, got ${JSON.stringify(params)}`);
  }
  const recent = new Float64Array(items);
  const season = new Float64Array(items);
  const [seasonFrom, seasonTo] = seasonWindow(now, params.seasonDays);
  let recentTotal = 0;
  let seasonTotal = 0;
  const { positions } = events;
  const n = positions ? positions.length : events.item.length;
  for (let index = 0; index < n; index++) {
    const e = positions ? positions[index] : index;
    const weight = events.weight ? events.weight[e] : 1;
    const time = events.time[e];
    if (!(weight > 0) || time > now) continue;
    const decayed = weight * decayFactor(now - time, params.halfLifeDays);
    recent[events.item[e]] += decayed;
    recentTotal += decayed;
    if (time >= seasonFrom && time < seasonTo) {
      season[events.item[e]] += weight;
      seasonTotal += weight;
    }
  }
  const share = seasonTotal >= MIN_SEASON_SALES ? params.seasonShare : 0;
  const seasonSales = Float64Array.from(season);
  for (let i = 0; i < items; i++) {
    recent[i] = recentTotal > 0 ? ((1 - share) * recent[i]) / recentTotal : 0;
    season[i] = share ? (share * season[i]) / seasonTotal : 0;
  }
  return { recent, season, seasonSales };
}

/** Each item's popularity seen from `now`: the sum of its two parts (`popularityParts`). */
export function popularityScores(...args: Parameters<typeof popularityParts>): Float64Array {
  const { recent, season } = popularityParts(...args);
  return recent.map((value, i) => value + season[i]);
}

interface PopularityState {
  params: Required<PopularityParams>;
  itemIds: string[];
  scores: number[];
  /**
   * The items whose part from the season a year back is over IN_SEASON_RATIO times their part
   * from recent sales, on at least IN_SEASON_MIN_SALES sales (they are "popular this time of
   * year").
   */
  inSeason: number[];
  /** Per item: its first collection (for "Trending in …") and product type, for `similar`. */
  groups: { collection: string | null; productType: string | null }[];
  history: UserHistory;
}

/**
 * Version 1: the same, with the shoppers' history as it was saved then; models saved before the
 * season have no `inSeason` and no season among their parameters (they were fitted without).
 */
type PopularityStateV1 = Omit<PopularityState, "params" | "inSeason" | "history"> & {
  params: Pick<Required<PopularityParams>, "halfLifeDays" | "excludePurchased"> & PopularityParams;
  inSeason?: number[];
  history: UserHistoryV1;
};

export class PopularityModel implements Recommender {
  static readonly modelName = "popularity";
  /** 2: the shoppers' history is flat, `inSeason` and the season's parameters always saved; fromJSON reads version 1 too. */
  static readonly modelVersion = 2;
  readonly name = PopularityModel.modelName;
  readonly version = PopularityModel.modelVersion;
  private readonly itemIndex: Map<string, number>;
  private readonly users: HistoryIndex;
  private readonly inSeason: Set<number>;

  private constructor(private readonly state: PopularityState) {
    this.itemIndex = new Map(state.itemIds.map((id, index) => [id, index]));
    this.users = new HistoryIndex(state.history);
    this.inSeason = new Set(state.inSeason);
  }

  static fit(dataset: Dataset, params: PopularityParams = {}, options: FitOptions = {}): PopularityModel {
    const full: Required<PopularityParams> = {
      halfLifeDays: params.halfLifeDays ?? POPULARITY_DEFAULTS.halfLifeDays,
      seasonDays: params.seasonDays ?? POPULARITY_DEFAULTS.seasonDays,
      seasonShare: params.seasonShare ?? POPULARITY_DEFAULTS.seasonShare,
      excludePurchased: params.excludePurchased ?? POPULARITY_DEFAULTS.excludePurchased,
    };
    const { recent, season, seasonSales } = popularityParts(dataset.items.length, dataset.events, dataset.now, full);
    const scores = recent.map((value, i) => value + season[i]);
    options.onProgress?.(1, "popularity");
    return new PopularityModel({
      params: full,
      itemIds: dataset.items.map((i) => i.id),
      scores: Array.from(scores, (score) => Math.round(score * 1e9) / 1e9),
      inSeason: Array.from(season.keys()).filter((i) => season[i] > IN_SEASON_RATIO * recent[i] && seasonSales[i] >= IN_SEASON_MIN_SALES),
      groups: dataset.items.map((i) => ({ collection: i.collections?.[0] ?? null, productType: i.productType || null })),
      history: historyFromDataset(dataset),
    });
  }

  static fromJSON(state: unknown, version: unknown = PopularityModel.modelVersion): PopularityModel {
    switch (version) {
      case 1: {
        const saved = state as PopularityStateV1;
        return new PopularityModel({
          ...saved,
          params: { seasonDays: POPULARITY_DEFAULTS.seasonDays, seasonShare: 0, ...saved.params },
          inSeason: saved.inSeason ?? [],
          history: historyFromV1(saved.history),
        });
      }
      case 2:
        return new PopularityModel(state as PopularityState);
      default:
        throw unreadableVersion(PopularityModel.modelName, version, PopularityModel.modelVersion);
    }
  }

  toJSON(): PopularityState {
    return this.state;
  }

  score(itemId: string): number {
    const index = this.itemIndex.get(itemId);
    return index === undefined ? 0 : this.state.scores[index];
  }

  recommend(request: RecommendRequest): Recommendation[] {
    const skip = this.skipSet(request.exclude, request.context);
    if (this.state.params.excludePurchased) for (const item of this.users.bought(request.userId)) skip.add(item);
    return topK(this.state.scores, request.k, (index) => skip.has(index)).map((index) => ({
      itemId: this.state.itemIds[index],
      score: this.state.scores[index],
      reason: {
        kind: "trending",
        collection: this.state.groups[index].collection ?? undefined,
        ...(this.inSeason.has(index) ? { season: true } : {}),
      },
    }));
  }

  /** Popular items of the same collection or product type (or anything popular when there are none). */
  similar(itemId: string, k: number, exclude?: Iterable<string>): Recommendation[] {
    const index = this.itemIndex.get(itemId);
    if (index === undefined) return [];
    const { collection, productType } = this.state.groups[index];
    const skip = this.skipSet(exclude, [itemId]);
    const sameGroup = this.state.scores.map((score, other) => {
      const group = this.state.groups[other];
      const shared = (collection && group.collection === collection) || (productType && group.productType === productType);
      return shared ? score : 0;
    });
    return topK(sameGroup, k, (other) => skip.has(other)).map((other) => ({
      itemId: this.state.itemIds[other],
      score: sameGroup[other],
      reason: { kind: "similar", itemId },
    }));
  }

  private skipSet(exclude: Iterable<string> | undefined, context: Iterable<string> | undefined): Set<number> {
    const skip = new Set<number>();
    for (const id of [...(exclude ?? []), ...(context ?? [])]) {
      const index = this.itemIndex.get(id);
      if (index !== undefined) skip.add(index);
    }
    return skip;
  }
}
