import { randomUUID } from "node:crypto";
import type { InteractionKind, Placement, Prisma, PrismaClient } from "@prisma/client";
import {
  AlsModel,
  blendScaledLists,
  BuyAgainModel,
  computeInsights,
  ContentModel,
  CooccurrenceModel,
  DatasetBuilder,
  EaseModel,
  fitShopModels,
  HybridModel,
  learnSeasonality,
  PopularityModel,
  purchaseEvents,
  datasetPurchases,
  rankerFits,
  rankForYou,
  RepeatFeatures,
  serializeModel,
  type Dataset,
  type EngineItem,
  type EventKind,
  type Recommendation,
  type ShopModels,
  unionInOrder,
} from "../engine";
import { useTfBackend } from "../engine/tf/backend";
import type { ListItem } from "./recommendations/index.server";
import { publishInvalidation } from "./storefront/invalidation.server";
import { setting } from "../config/env.server";

/** How many products each precomputed list keeps; serving trims to the block's size. */
export const LIST_LENGTH = 24;
/** How many candidates each model retrieves for "Recommended for you" before the blend ranks them. */
const CANDIDATES = 200;
const WRITE_BATCH = 1_000;

const KINDS: Record<InteractionKind, EventKind> = {
  PURCHASE: "purchase",
  REFUND: "refund",
  ADD_TO_CART: "add_to_cart",
  VIEW: "view",
  WISHLIST_ADD: "wishlist_add",
  WISHLIST_REMOVE: "wishlist_remove",
  REVIEW: "review",
  SEARCH: "search",
};

export interface TrainingResult {
  modelVersionId: string;
  version: number;
  interactions: number;
  lists: number;
  pairs: number;
  /** Monthly seasonality curves learned (per product type and collection). */
  seasonalCurves: number;
  seconds: number;
}

/**
 * Trains a shop's models from its interactions and precomputes every list serving reads,
 * under a new model version. The shop switches to that version in one transaction at the
 * end; until then, and if anything fails, the previous version keeps serving.
 */
export async function trainShop(
  db: PrismaClient,
  shopId: string,
  onProgress: (fraction: number, message: string) => Promise<void> | void = () => {},
  options: { /** Interactions read per query (default 20,000). */ readPage?: number } = {},
): Promise<TrainingResult> {
  const started = Date.now();
  const version = await startModelVersion(db, shopId);
  try {
    // EASE's inverse runs its matrix products there (app/engine/tf/inverse.ts).
    await useTfBackend(setting("AFFINITY_TF_BACKEND"));
    await onProgress(0.05, "loading interactions");
    const { items, dataset, interactions } = await loadTrainingData(db, shopId, options.readPage ?? READ_PAGE);
    await onProgress(0.3, `fitting on ${interactions} interactions`);
    const models = await fitShopModels(dataset, (fraction, message) => onProgress(0.3 + 0.2 * fraction, message));
    const { popularity, cooccurrence, buyAgain, ease, als, content, hybrid, quality } = models;
    await onProgress(0.45, "mapping the catalogue");
    const insights = computeInsights(dataset);

    await onProgress(0.5, "writing model artifacts");
    await db.modelArtifact.createMany({
      data: [popularity, cooccurrence, buyAgain, ease, als, content, ...(hybrid ? [hybrid] : [])].map((model) => ({
        modelVersionId: version.id,
        name: model.name,
        data: serializeModel(model),
      })),
    });

    const lists = precomputeLists(dataset, models);
    await writeLists(db, shopId, version.id, lists, onProgress);

    const pairs = cooccurrence.pairs();
    const curves = learnSeasonality(purchaseEvents(dataset), await withCollectionHandles(db, shopId, items));
    await activateVersion(db, shopId, version.id, { models, curves, pairs, interactions, insights });
    await publishInvalidation({ shopId, scope: "model" });
    await publishInvalidation({ shopId, scope: "rules" });
    return {
      modelVersionId: version.id,
      version: version.version,
      interactions,
      lists: lists.length,
      pairs: pairs.length,
      seasonalCurves: curves.length,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } catch (error) {
    await db.modelVersion.update({
      where: { id: version.id },
      data: { status: "FAILED", error: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }
}

/** Creates the shop's next model version, in status TRAINING, after marking any abandoned one failed. */
async function startModelVersion(db: PrismaClient, shopId: string) {
  // One training runs per shop at a time, so a version still training was left by a worker that
  // died mid-run; it never became active, and is marked so.
  await db.modelVersion.updateMany({
    where: { shopId, status: "TRAINING" },
    data: { status: "FAILED", error: "abandoned: the worker training it stopped before it finished" },
  });
  const latest = await db.modelVersion.aggregate({ where: { shopId }, _max: { version: true } });
  return db.modelVersion.create({
    data: {
      shopId,
      version: (latest._max.version ?? 0) + 1,
      models: [
        PopularityModel.modelName,
        CooccurrenceModel.modelName,
        BuyAgainModel.modelName,
        EaseModel.modelName,
        AlsModel.modelName,
        ContentModel.modelName,
      ],
    },
  });
}

type PrecomputedList = ReturnType<typeof precomputeLists>[number];

/** Writes the version's lists in batches, reporting progress from 0.55 to 0.9. */
async function writeLists(
  db: PrismaClient,
  shopId: string,
  modelVersionId: string,
  lists: PrecomputedList[],
  onProgress: (fraction: number, message: string) => Promise<void> | void,
) {
  let written = 0;
  for (let start = 0; start < lists.length; start += WRITE_BATCH) {
    const batch = lists.slice(start, start + WRITE_BATCH);
    await db.recommendationList.createMany({
      data: batch.map((list) => ({ id: randomUUID(), shopId, modelVersionId, ...list })),
    });
    written += batch.length;
    await onProgress(0.55 + (0.35 * written) / lists.length, `${written} of ${lists.length} lists written`);
  }
}

interface TrainedOutputs {
  models: ShopModels;
  curves: ReturnType<typeof learnSeasonality>;
  pairs: ReturnType<ShopModels["cooccurrence"]["pairs"]>;
  interactions: number;
  insights: ReturnType<typeof computeInsights>;
}

/** In one transaction: replaces the learned curves and suggested pairs, marks the version ready and makes it the shop's active one. */
async function activateVersion(
  db: PrismaClient,
  shopId: string,
  modelVersionId: string,
  { models: { hybrid, quality }, curves, pairs, interactions, insights }: TrainedOutputs,
) {
  await db.$transaction([
    // Learned curves are replaced; the merchant's own curves (source MERCHANT) stay and win.
    db.seasonalityCurve.deleteMany({ where: { shopId, source: "LEARNED" } }),
    db.seasonalityCurve.createMany({
      data: curves.map((curve) => ({
        shopId,
        targetType: curve.targetType,
        targetValue: curve.targetValue,
        source: "LEARNED",
        months: curve.months,
      })),
    }),
    // Merchant decisions (approved, rejected, added by hand) survive retraining.
    db.boughtTogetherPair.deleteMany({ where: { shopId, status: "SUGGESTED" } }),
    db.boughtTogetherPair.createMany({
      data: pairs.map((pair) => ({
        shopId,
        productId: pair.itemId,
        relatedProductId: pair.relatedItemId,
        support: pair.support,
        confidence: pair.confidence,
        lift: pair.lift,
      })),
      skipDuplicates: true,
    }),
    db.modelVersion.update({
      where: { id: modelVersionId },
      data: {
        status: "READY",
        ...(hybrid ? { models: { push: HybridModel.modelName } } : {}),
        trainedAt: new Date(),
        interactionCount: interactions,
        metrics: (quality ?? undefined) as Prisma.InputJsonValue | undefined,
        insights: insights as unknown as Prisma.InputJsonValue,
      },
    }),
    db.shop.update({ where: { id: shopId }, data: { activeModelVersionId: modelVersionId } }),
  ]);
}

/** Interactions read per query: the store's history streams into the dataset page by page. */
const READ_PAGE = 20_000;

async function loadTrainingData(
  db: PrismaClient,
  shopId: string,
  readPage: number,
): Promise<{ items: EngineItem[]; dataset: Dataset; interactions: number }> {
  const products = await db.product.findMany({
    where: { shopId, deletedAt: null },
    select: {
      id: true,
      title: true,
      description: true,
      tags: true,
      productType: true,
      vendor: true,
      priceMin: true,
      available: true,
      collections: { select: { collection: { select: { title: true } } } },
    },
    // By the store's own ids: the same store trains the same models whatever ids the database gave it.
    orderBy: { externalId: "asc" },
  });
  const items: EngineItem[] = products.map((product) => ({
    id: product.id,
    title: product.title,
    description: product.description,
    tags: product.tags,
    productType: product.productType,
    vendor: product.vendor,
    price: Number(product.priceMin),
    available: product.available,
    collections: product.collections.map((link) => link.collection.title),
  }));
  const builder = new DatasetBuilder(items);
  let interactions = 0;
  let cursor: bigint | undefined;
  for (;;) {
    const page = await db.interaction.findMany({
      // Guest purchases carry no shopper, but their baskets still teach what sells together.
      where: {
        shopId,
        // Keyset pagination on the primary key: each page is an index range, so reading the
        // whole history is linear however long it is (the dataset groups the events by shopper,
        // product and order, whatever order they arrive in).
        ...(cursor === undefined ? {} : { id: { gt: cursor } }),
        productId: { not: null },
        OR: [{ customerId: { not: null } }, { visitorKey: { not: null } }, { orderId: { not: null } }],
      },
      select: {
        id: true,
        kind: true,
        customerId: true,
        visitorKey: true,
        productId: true,
        quantity: true,
        rating: true,
        orderId: true,
        occurredAt: true,
      },
      orderBy: { id: "asc" },
      take: readPage,
    });
    for (const interaction of page) {
      builder.add({
        userId:
          interaction.customerId ?? (interaction.visitorKey ? `visitor:${interaction.visitorKey}` : `guest-order:${interaction.orderId}`),
        itemId: interaction.productId!,
        kind: KINDS[interaction.kind],
        time: interaction.occurredAt.getTime(),
        quantity: interaction.quantity,
        rating: interaction.rating ?? undefined,
        basketId: interaction.orderId ?? undefined,
      });
    }
    interactions += page.length;
    if (page.length < readPage) break;
    cursor = page[page.length - 1].id;
  }
  return { items, dataset: builder.build(), interactions };
}

/** The items with their collections' handles, which serving's rules match on (training's content features use titles). */
async function withCollectionHandles(db: PrismaClient, shopId: string, items: EngineItem[]): Promise<EngineItem[]> {
  const links = await db.productCollection.findMany({
    where: { product: { shopId } },
    select: { productId: true, collection: { select: { handle: true } } },
  });
  const handles = new Map<string, string[]>();
  for (const link of links)
    if (link.collection.handle) handles.set(link.productId, [...(handles.get(link.productId) ?? []), link.collection.handle]);
  return items.map((item) => ({ ...item, collections: handles.get(item.id) ?? [] }));
}

/** Every list serving reads: shop-wide, per product and per known customer. */
function precomputeLists(dataset: Dataset, models: ShopModels) {
  const { items, userIds, itemIndex } = dataset;
  const { trend } = models;
  const { easeWeight } = models.choices.forYou;
  const trendOf = trend ? (itemId: string) => trend[itemIndex.get(itemId)!] ?? 1 : undefined;
  const lists: { placement: Placement; subjectKey: string; items: Prisma.InputJsonValue }[] = [];
  const add = (placement: Placement, subjectKey: string, recommendations: Recommendation[]) => {
    if (recommendations.length) lists.push({ placement, subjectKey, items: toListItems(recommendations) });
  };
  add("TRENDING", "*", models.popularity.recommend({ k: LIST_LENGTH }));
  for (const item of items) {
    add("BOUGHT_TOGETHER", item.id, models.cooccurrence.similar(item.id, LIST_LENGTH));
    // What shoppers of the product also liked, then products like it by their words (all a new
    // product has), then what sells in its collection.
    add(
      "RELATED",
      item.id,
      unionInOrder(
        [
          models.ease.similar(item.id, LIST_LENGTH),
          models.cooccurrence.similar(item.id, LIST_LENGTH),
          models.content.similar(item.id, LIST_LENGTH),
          models.popularity.similar(item.id, LIST_LENGTH),
        ],
        LIST_LENGTH,
      ),
    );
  }
  const withRepeats = repeatsJoin(dataset, models);
  for (const userId of userIds) {
    if (userId.startsWith("visitor:") || userId.startsWith("guest-order:")) continue;
    // Two stages: EASE, ALS and the hybrid (where fitted) each retrieve candidates, ranked by
    // their blend with the weights chosen on the shop's own last 30 days (evaluateOnHistory),
    // times each product's trend where that check chose it; co-occurrence and popularity fill.
    const share = models.hybrid ? models.choices.forYou.hybrid : 0;
    const personal = blendScaledLists(
      [
        models.ease.recommend({ userId, k: CANDIDATES }),
        models.als.recommend({ userId, k: CANDIDATES }),
        ...(models.hybrid ? [models.hybrid.recommend({ userId, k: CANDIDATES })] : []),
      ],
      [easeWeight * (1 - share), (1 - easeWeight) * (1 - share), share],
      LIST_LENGTH,
      trendOf,
    );
    const ranked = withRepeats(personal, userId);
    add(
      "FOR_YOU",
      userId,
      unionInOrder(
        [ranked, models.cooccurrence.recommend({ userId, k: LIST_LENGTH }), models.popularity.recommend({ userId, k: LIST_LENGTH })],
        LIST_LENGTH,
      ),
    );
    add("BUY_AGAIN", userId, models.buyAgain.recommend({ userId, k: LIST_LENGTH }));
  }
  return lists;
}

/**
 * Where the check found that customers rebuy, what the shopper bought joins their personal list:
 * placed by the learned repeat ranker where it won, or as the due repeats blended in at their
 * weight. Their "buy again" reason lets them through the hide-purchased rule in this placement only.
 */
function repeatsJoin(dataset: Dataset, models: ShopModels): (personal: Recommendation[], userId: string) => Recommendation[] {
  const { ranker: weights, repeats } = models.choices.forYou;
  if (rankerFits(weights)) {
    const ranker = { weights, features: new RepeatFeatures(datasetPurchases(dataset), dataset.userIds.length, dataset.items.length) };
    return (personal, userId) => rankForYou(ranker, dataset.userIndex.get(userId)!, personal, dataset, LIST_LENGTH);
  }
  if (!repeats) return (personal) => personal;
  return (personal, userId) =>
    blendScaledLists([personal, models.buyAgain.recommend({ userId, k: LIST_LENGTH })], [1, repeats], LIST_LENGTH, undefined, "first-met");
}

function toListItems(recommendations: Recommendation[]): Prisma.InputJsonValue {
  return recommendations.map(({ itemId, score, reason }): ListItem => ({
    productId: itemId,
    score,
    reason,
  })) as unknown as Prisma.InputJsonValue;
}
