import type { Dataset } from "./dataset";
import { evaluateOnHistory, type StoreQuality } from "./eval/store-quality";
import { AlsModel } from "./models/als-model";
import { BuyAgainModel } from "./models/buy-again";
import { ContentModel } from "./models/content";
import { CooccurrenceModel } from "./models/cooccurrence";
import { EaseModel, SESSION_EASE } from "./models/ease";
import { HybridModel } from "./models/hybrid";
import { PopularityModel, SEASON_SHARE } from "./models/popularity";
import { itemTrend } from "./trend";

/** Everything a shop's training fits, and the check on its last 30 days that chose how. */
export interface ShopModels {
  popularity: PopularityModel;
  cooccurrence: CooccurrenceModel;
  buyAgain: BuyAgainModel;
  content: ContentModel;
  als: AlsModel;
  /** Null when too few customers bought before and within the last 30 days to say anything. */
  quality: StoreQuality | null;
  /** Plain or by sitting, as the check chose. */
  ease: EaseModel;
  /** Only where the check gave it a share of "Recommended for you". */
  hybrid: HybridModel | null;
  /** Each product's trend, only where the check chose to follow it. */
  trend: Float32Array | null;
}

/**
 * What training fits for a shop, one after the other: co-occurrence, buy-again, content, ALS
 * (on worker threads), the check on the last 30 days (evaluateOnHistory), then popularity (with
 * last year's season or not), EASE, the two-tower hybrid and the trend as it chose.
 * `onProgress` hears of the check before it starts (fraction 0.5 of this work).
 */
export async function fitShopModels(
  dataset: Dataset,
  onProgress: (fraction: number, message: string) => Promise<void> | void = () => {},
): Promise<ShopModels> {
  const cooccurrence = CooccurrenceModel.fit(dataset);
  const buyAgain = BuyAgainModel.fit(dataset);
  const content = ContentModel.fit(dataset);
  const als = await AlsModel.fitParallel(dataset);
  await onProgress(0.5, "measuring quality on the last 30 days");
  const quality = await evaluateOnHistory(dataset);
  return {
    // Last year's season in "Trending" only where the check found it served the shop better.
    popularity: PopularityModel.fit(dataset, { seasonShare: quality?.trendingSeason ? SEASON_SHARE : 0 }),
    cooccurrence,
    buyAgain,
    content,
    als,
    quality,
    ease: EaseModel.fit(dataset, quality?.forYouSessions ? SESSION_EASE : {}),
    hybrid: quality?.forYouHybrid ? HybridModel.fit(dataset) : null,
    trend: quality?.forYouTrend ? itemTrend(dataset.items.length, dataset.purchases, dataset.now) : null,
  };
}
