import type { Dataset } from "../dataset";
import { topK } from "../topk";
import type { EngineItem, FitOptions, Recommendation, RecommendRequest, Recommender } from "../types";
import { HistoryIndex, historyFromDataset, historyFromV1, type UserHistory, type UserHistoryV1 } from "./history";
import { unreadableVersion } from "./versions";
import { recommendFromLists, similarFromLists, type NeighbourLists } from "./seeds";
import type { FeatureRows } from "./two-tower";

/**
 * Content similarity: TF-IDF over each product's title, description, tags, type, vendor and
 * collections, compared by cosine. It needs no shopper at all, so it is what a product added
 * yesterday is recommended by, and what the hybrid model's item tower reads.
 *
 * Parameters (defaults, CONTENT_DEFAULTS):
 * - neighbours (50): the most similar items kept per item.
 * - minSimilarity (0.05): weaker similarities are dropped.
 * - excludePurchased (true): personal recommendations leave out what the shopper bought.
 */
export interface ContentParams {
  neighbours?: number;
  minSimilarity?: number;
  excludePurchased?: boolean;
}

export const CONTENT_DEFAULTS: Required<ContentParams> = { neighbours: 50, minSimilarity: 0.05, excludePurchased: true };
/** The neighbours per item the benchmarks try on validation (bench/quality.ts). */
export const CONTENT_NEIGHBOUR_GRID = [20, 50, 200];

/** How much a term counts by the field it is in; tags, type, vendor and collections also count as whole phrases. */
const FIELD_WEIGHTS = { title: 3, tags: 2, productType: 2, collections: 1.5, vendor: 1, description: 1 } as const;

const STOP_WORDS = new Set(
  "a an and are as at be by de del el en for from in is it la las los of on or our the this to un una with y your".split(" "),
);

export function tokenize(text: string | undefined): string[] {
  if (!text) return [];
  return (
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((word) => word.length > 1 && !STOP_WORDS.has(word));
}

/** Each item's weighted terms: words of every field, plus whole tags, type, vendor and collections. */
function itemTerms(item: EngineItem): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (term: string, weight: number) => terms.set(term, (terms.get(term) ?? 0) + weight);
  const text = (field: keyof typeof FIELD_WEIGHTS, value: string | undefined) => {
    for (const word of tokenize(value)) add(word, FIELD_WEIGHTS[field]);
  };
  const phrase = (field: keyof typeof FIELD_WEIGHTS, value: string | undefined) => {
    if (!value?.trim()) return;
    add(`${field}:${value.trim().toLowerCase()}`, FIELD_WEIGHTS[field]);
    text(field, value);
  };
  text("title", item.title);
  text("description", item.description?.replace(/<[^>]*>/g, " "));
  for (const tag of item.tags ?? []) phrase("tags", tag);
  for (const collection of item.collections ?? []) phrase("collections", collection);
  phrase("productType", item.productType);
  phrase("vendor", item.vendor);
  return terms;
}

/**
 * TF-IDF rows, one per item, each of unit length: tf = 1 + ln(weighted count), idf = ln((1 + N) /
 * (1 + df)) + 1, over the terms found in at least two items and at most half of them.
 */
export function tfidf(items: EngineItem[]): FeatureRows & { vocabulary: string[] } {
  const perItem = items.map(itemTerms);
  const documentFrequency = new Map<string, number>();
  for (const terms of perItem) for (const term of terms.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  // Terms in one item only, or in more than half of them, say little about which items are alike
  // (and the latter would make the neighbour search items²).
  const vocabulary = [...documentFrequency.entries()]
    .filter(([, df]) => df > 1 && df <= items.length / 2)
    .map(([term]) => term)
    .sort();
  const column = new Map(vocabulary.map((term, index) => [term, index]));
  const rowStart = new Int32Array(items.length + 1);
  const cols: number[] = [];
  const values: number[] = [];
  perItem.forEach((terms, item) => {
    const start = cols.length;
    for (const [term, count] of terms) {
      const c = column.get(term);
      if (c === undefined) continue;
      cols.push(c);
      values.push((1 + Math.log(count)) * (Math.log((1 + items.length) / (1 + documentFrequency.get(term)!)) + 1));
    }
    const norm = Math.hypot(...values.slice(start));
    for (let e = start; e < values.length; e++) values[e] /= norm;
    rowStart[item + 1] = cols.length;
  });
  return { features: vocabulary.length, rowStart, cols: Int32Array.from(cols), values: Float32Array.from(values), vocabulary };
}

/**
 * For every item, its `neighbours` most similar items by cosine of the TF-IDF rows, through an
 * inverted index (term → items), so the cost is the sum over terms of df², not items².
 */
export function contentNeighbours(rows: FeatureRows, neighbours: number, minSimilarity: number): [number, number][][] {
  const items = rows.rowStart.length - 1;
  const postings: { item: number; value: number }[][] = Array.from({ length: rows.features }, () => []);
  for (let item = 0; item < items; item++) {
    for (let e = rows.rowStart[item]; e < rows.rowStart[item + 1]; e++) postings[rows.cols[e]].push({ item, value: rows.values[e] });
  }
  const scores = new Float64Array(items);
  const touched: number[] = [];
  return Array.from({ length: items }, (_, item) => {
    for (let e = rows.rowStart[item]; e < rows.rowStart[item + 1]; e++) {
      const value = rows.values[e];
      for (const posting of postings[rows.cols[e]]) {
        if (posting.item === item) continue;
        if (scores[posting.item] === 0) touched.push(posting.item);
        scores[posting.item] += value * posting.value;
      }
    }
    const best = topK(scores, neighbours, (other) => scores[other] < minSimilarity).map(
      (other) => [other, Math.round(scores[other] * 1e6) / 1e6] as [number, number],
    );
    for (const other of touched) scores[other] = 0;
    touched.length = 0;
    return best;
  });
}

interface ContentState {
  params: Required<ContentParams>;
  itemIds: string[];
  /** Per item: [item index, cosine] of its most similar items, best first. */
  neighbours: [number, number][][];
  history: UserHistory;
}

/** Version 1: the same, with the shoppers' history as it was saved then. */
type ContentStateV1 = Omit<ContentState, "history"> & { history: UserHistoryV1 };

export class ContentModel implements Recommender {
  static readonly modelName = "content";
  /** 2: the shoppers' history is flat (UserHistory); fromJSON reads version 1 too. */
  static readonly modelVersion = 2;
  readonly name = ContentModel.modelName;
  readonly version = ContentModel.modelVersion;
  private readonly users: HistoryIndex;
  private readonly lists: NeighbourLists;

  private constructor(private readonly state: ContentState) {
    this.users = new HistoryIndex(state.history);
    this.lists = {
      itemIds: state.itemIds,
      itemIndex: new Map(state.itemIds.map((id, index) => [id, index])),
      forEachNeighbour: (item, visit) => {
        for (const [other, similarity] of this.state.neighbours[item] ?? []) visit(other, similarity);
      },
    };
  }

  static fit(dataset: Dataset, params: ContentParams = {}, options: FitOptions = {}): ContentModel {
    const full: Required<ContentParams> = {
      neighbours: params.neighbours ?? CONTENT_DEFAULTS.neighbours,
      minSimilarity: params.minSimilarity ?? CONTENT_DEFAULTS.minSimilarity,
      excludePurchased: params.excludePurchased ?? CONTENT_DEFAULTS.excludePurchased,
    };
    const rows = tfidf(dataset.items);
    options.onProgress?.(0.3, `${rows.features} terms`);
    const neighbours = contentNeighbours(rows, full.neighbours, full.minSimilarity);
    options.onProgress?.(1, "content");
    return new ContentModel({
      params: full,
      itemIds: dataset.items.map((item) => item.id),
      neighbours,
      history: historyFromDataset(dataset),
    });
  }

  static fromJSON(state: unknown, version: unknown = ContentModel.modelVersion): ContentModel {
    switch (version) {
      case 1: {
        const saved = state as ContentStateV1;
        return new ContentModel({ ...saved, history: historyFromV1(saved.history) });
      }
      case 2:
        return new ContentModel(state as ContentState);
      default:
        throw unreadableVersion(ContentModel.modelName, version, ContentModel.modelVersion);
    }
  }

  toJSON(): ContentState {
    return this.state;
  }

  similar(itemId: string, k: number, exclude?: Iterable<string>): Recommendation[] {
    return similarFromLists(this.lists, itemId, k, exclude);
  }

  /** For a context, items like it; for a shopper, items like those they showed interest in, weighted by that interest. */
  recommend(request: RecommendRequest): Recommendation[] {
    return recommendFromLists(this.lists, this.users, request, {
      excludePurchased: this.state.params.excludePurchased,
      weighByInterest: true,
    });
  }
}
