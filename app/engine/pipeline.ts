import type { Dataset } from "./dataset";
import { DEFAULT_CHOICES, evaluateOnHistory, type ServingChoices, type StoreQuality } from "./eval/store-quality";
import { AlsModel } from "./models/als-model";
import { BuyAgainModel } from "./models/buy-again";
import { ContentModel } from "./models/content";
import { CooccurrenceModel } from "./models/cooccurrence";
import { EaseModel, RECENT_EASE, SESSION_EASE } from "./models/ease";
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
  /** The check's choices, or DEFAULT_CHOICES where it had none: what the models below and the lists follow. */
  choices: ServingChoices;
  /** Plain, by sitting or weighed by recency, as the check chose. */
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
  const choices = quality?.choices ?? DEFAULT_CHOICES;
  return {
    // Last year's season in "Trending" only where the check found it served the shop better.
    popularity: PopularityModel.fit(dataset, { seasonShare: choices.trending.season ? SEASON_SHARE : 0 }),
    cooccurrence,
    buyAgain,
    content,
    als,
    quality,
    choices,
    ease: EaseModel.fit(dataset, { ...(choices.forYou.sessions ? SESSION_EASE : {}), ...(choices.forYou.recency ? RECENT_EASE : {}) }),
    hybrid: choices.forYou.hybrid ? HybridModel.fit(dataset) : null,
    trend: choices.forYou.trend ? itemTrend(dataset.items.length, dataset.purchases, dataset.now) : null,
  };
}
