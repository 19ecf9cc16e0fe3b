import type { Placement, Prisma, PrismaClient } from "@prisma/client";
import { LRUCache } from "lru-cache";
import type { ProductFacts, RuleSet } from "../../engine/rules";
import type { Reason, Recommendation } from "../../engine/types";
import { invalidationBus, type Invalidation, type InvalidationBus } from "./invalidation.server";

/** A product as a block renders it, with what the rules need to know. */
export interface CatalogueProduct extends ProductFacts {
  handle: string | null;
  title: string;
  compareAtPrice: number | null;
  imageUrl: string | null;
  imageAlt: string | null;
  /** The variant "Add to cart" adds: the cheapest one in stock, or the cheapest. */
  variantId: string | null;
}

/** The merchant's decisions on "bought together" pairs, by product row id (both directions of a pair). */
export interface PairDecisions {
  /** Approved or added by hand: shown first, best lift first. */
  chosen: Map<string, string[]>;
  rejected: Map<string, Set<string>>;
}

export interface ListItem {
  productId: string;
  score: number;
  reason: Reason;
}

/** Precomputed lists kept per shop snapshot; a personal list is a few KB. */
const LISTS_PER_SHOP = 20_000;
/** Best sellers: the shop's most ordered products, the last fallback before nothing. */
const BEST_SELLERS = 100;
/** A snapshot is reloaded in the background after this long, in case a message was lost. */
const MAX_AGE_MS = 5 * 60_000;

/**
 * Everything a storefront answer reads, for one shop, in memory: the sellable catalogue, the
 * merchant's rules, the best sellers and, lazily, the active model version's lists. The request
 * path reads the database only for a list not yet cached and for the shopper's history.
 */
export class ShopSnapshot {
  readonly lists = new LRUCache<string, ListItem[] | typeof NO_LIST>({ max: LISTS_PER_SHOP });
  private readonly dirtyProducts = new Set<string>();
  private catalogueDirty = false;

  constructor(
    readonly shopId: string,
    readonly loadedAt: number,
    public activeModelVersionId: string | null,
    readonly products: Map<string, CatalogueProduct>,
    readonly byExternalId: Map<string, string>,
    public ruleSet: RuleSet,
    public holdoutShare: number,
    public attributionWindowMinutes: number,
    public bestSellers: Recommendation[],
    public pairs: PairDecisions,
  ) {}

  product(id: string): CatalogueProduct | undefined {
    return this.products.get(id) ?? this.products.get(this.byExternalId.get(id) ?? "");
  }

  async list(db: PrismaClient, placement: Placement, subjectKey: string): Promise<ListItem[]> {
    if (!this.activeModelVersionId) return [];
    const key = `${placement}:${subjectKey}`;
    const cached = this.lists.get(key);
    if (cached) return cached === NO_LIST ? [] : cached;
    const row = await db.recommendationList.findUnique({
      where: { modelVersionId_placement_subjectKey: { modelVersionId: this.activeModelVersionId, placement, subjectKey } },
      select: { items: true },
    });
    const items = (row?.items as ListItem[] | undefined) ?? null;
    this.lists.set(key, items ?? NO_LIST);
    return items ?? [];
  }

  markProductsDirty(productIds?: string[]) {
    if (!productIds) this.catalogueDirty = true;
    else for (const id of productIds) this.dirtyProducts.add(id);
  }

  /**
   * Re-reads changed products before an answer uses them: one query, only when something changed.
   * A read that fails leaves them marked, for the next answer to try again.
   */
  async refreshDirty(db: PrismaClient): Promise<void> {
    if (this.catalogueDirty) {
      this.catalogueDirty = false;
      this.dirtyProducts.clear();
      const fresh = await loadCatalogue(db, this.shopId).catch((error: unknown) => {
        this.catalogueDirty = true;
        throw error;
      });
      this.products.clear();
      this.byExternalId.clear();
      for (const [id, product] of fresh) this.remember(product, id);
      return;
    }
    if (!this.dirtyProducts.size) return;
    const ids = [...this.dirtyProducts];
    this.dirtyProducts.clear();
    const rowIds = ids.map((id) => (this.products.has(id) ? id : (this.byExternalId.get(id) ?? id)));
    const fresh = await loadCatalogue(db, this.shopId, { OR: [{ id: { in: rowIds } }, { externalId: { in: ids } }] }).catch(
      (error: unknown) => {
        for (const id of ids) this.dirtyProducts.add(id);
        throw error;
      },
    );
    for (const id of rowIds) this.products.delete(id);
    for (const [id, product] of fresh) this.remember(product, id);
  }

  private remember(product: CatalogueProduct, id: string) {
    this.products.set(id, product);
    this.byExternalId.set(product.externalId, id);
  }
}

const NO_LIST = Symbol("no list");

async function loadCatalogue(
  db: PrismaClient,
  shopId: string,
  where: Prisma.ProductWhereInput = {},
): Promise<Map<string, CatalogueProduct>> {
  const rows = await db.product.findMany({
    where: { shopId, ...where },
    select: {
      id: true,
      externalId: true,
      handle: true,
      title: true,
      productType: true,
      vendor: true,
      tags: true,
      status: true,
      deletedAt: true,
      isGiftCard: true,
      priceMin: true,
      compareAtPrice: true,
      available: true,
      imageUrl: true,
      imageAlt: true,
      collections: { select: { collection: { select: { handle: true } } } },
      variants: { select: { externalId: true, price: true, available: true }, orderBy: { price: "asc" } },
    },
  });
  return new Map(
    rows.map((row) => {
      const variant = row.variants.find((candidate) => candidate.available) ?? row.variants[0];
      const product: CatalogueProduct = {
        id: row.id,
        externalId: row.externalId,
        productType: row.productType,
        vendor: row.vendor,
        tags: row.tags.map((tag) => tag.toLowerCase()),
        collections: row.collections.flatMap((link) => (link.collection.handle ? [link.collection.handle] : [])),
        price: Number(row.priceMin),
        sellable: row.status === "ACTIVE" && !row.deletedAt && !row.isGiftCard,
        inStock: row.available,
        handle: row.handle,
        title: row.title,
        compareAtPrice: row.compareAtPrice === null ? null : Number(row.compareAtPrice),
        imageUrl: row.imageUrl,
        imageAlt: row.imageAlt,
        variantId: variant?.externalId ?? null,
      };
      return [row.id, product];
    }),
  );
}

async function loadRules(db: PrismaClient, shopId: string) {
  const [settings, curves, promotions, rules, decided] = await Promise.all([
    db.shopSettings.findUnique({ where: { shopId } }),
    db.seasonalityCurve.findMany({ where: { shopId } }),
    db.promotion.findMany({ where: { shopId, endsAt: { gt: new Date() } } }),
    db.merchandisingRule.findMany({ where: { shopId } }),
    db.boughtTogetherPair.findMany({ where: { shopId, status: { not: "SUGGESTED" } }, orderBy: [{ lift: "desc" }, { id: "asc" }] }),
  ]);
  const pairs: PairDecisions = { chosen: new Map(), rejected: new Map() };
  for (const pair of decided) {
    for (const [from, to] of [
      [pair.productId, pair.relatedProductId],
      [pair.relatedProductId, pair.productId],
    ]) {
      if (pair.status === "REJECTED") pairs.rejected.set(from, (pairs.rejected.get(from) ?? new Set()).add(to));
      else if (!pairs.chosen.get(from)?.includes(to)) pairs.chosen.set(from, [...(pairs.chosen.get(from) ?? []), to]);
    }
  }
  // A merchant's curve replaces the learned one for the same target.
  const merchant = new Set(
    curves.filter((curve) => curve.source === "MERCHANT").map((curve) => `${curve.targetType}:${curve.targetValue}`),
  );
  const ruleSet: RuleSet = {
    seasonality: curves.filter((curve) => curve.source === "MERCHANT" || !merchant.has(`${curve.targetType}:${curve.targetValue}`)),
    promotions,
    rules,
    inStockOnly: settings?.inStockOnly ?? true,
    hidePurchased: settings?.hidePurchased ?? true,
    maxPerProductType: settings?.maxPerProductType ?? null,
    priceBand:
      settings?.priceBandMin != null && settings?.priceBandMax != null ? { min: settings.priceBandMin, max: settings.priceBandMax } : null,
  };
  return {
    ruleSet,
    pairs,
    holdoutShare: settings?.holdoutShare ?? 0,
    attributionWindowMinutes: settings?.attributionWindowMinutes ?? 10_080,
  };
}

async function loadBestSellers(db: PrismaClient, shopId: string): Promise<Recommendation[]> {
  const rows = await db.orderLine.groupBy({
    by: ["productId"],
    where: { shopId, productId: { not: null } },
    _sum: { quantity: true },
    orderBy: { _sum: { quantity: "desc" } },
    take: BEST_SELLERS,
  });
  return rows.map((row) => ({ itemId: row.productId!, score: row._sum.quantity ?? 0, reason: { kind: "popular" } }));
}

async function loadSnapshot(db: PrismaClient, shopId: string): Promise<ShopSnapshot | null> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { id: true, activeModelVersionId: true } });
  if (!shop) return null;
  const [products, rules, bestSellers] = await Promise.all([loadCatalogue(db, shopId), loadRules(db, shopId), loadBestSellers(db, shopId)]);
  const byExternalId = new Map([...products.values()].map((product) => [product.externalId, product.id]));
  return new ShopSnapshot(
    shopId,
    Date.now(),
    shop.activeModelVersionId,
    products,
    byExternalId,
    rules.ruleSet,
    rules.holdoutShare,
    rules.attributionWindowMinutes,
    bestSellers,
    rules.pairs,
  );
}

/**
 * Snapshots by shop, loaded on first use (one load at a time per shop), changed in place by
 * invalidation messages, and reloaded in the background when old.
 */
export class SnapshotCache {
  private readonly snapshots = new Map<string, Promise<ShopSnapshot | null>>();
  private readonly applying = new Map<string, Promise<void>>();
  /** Changes announced per shop, so that a reload read before one does not replace the snapshot it changed. */
  private readonly changes = new Map<string, number>();
  private unsubscribe?: () => void;

  constructor(
    private readonly db: PrismaClient,
    private readonly bus: InvalidationBus = invalidationBus(),
  ) {}

  async start(): Promise<this> {
    this.unsubscribe ??= await this.bus.subscribe((message) => {
      // Answers for the shop wait until the change is applied, so none is served stale after it.
      this.changes.set(message.shopId, (this.changes.get(message.shopId) ?? 0) + 1);
      const applied = (this.applying.get(message.shopId) ?? Promise.resolve()).then(() => this.apply(message)).catch(() => {});
      this.applying.set(message.shopId, applied);
    });
    return this;
  }

  stop() {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  async get(shopId: string): Promise<ShopSnapshot | null> {
    const applying = this.applying.get(shopId);
    if (applying) await applying;
    let entry = this.snapshots.get(shopId);
    if (!entry) {
      entry = loadSnapshot(this.db, shopId);
      this.snapshots.set(shopId, entry);
      entry.catch(() => this.snapshots.delete(shopId));
    }
    const snapshot = await entry;
    if (!snapshot) {
      this.snapshots.delete(shopId);
      return null;
    }
    if (Date.now() - snapshot.loadedAt > MAX_AGE_MS) this.reloadInBackground(shopId, entry);
    // While the database cannot be read, the last good data answers (stale rather than an error).
    await snapshot.refreshDirty(this.db).catch(() => {});
    return snapshot;
  }

  /** Shops whose snapshot is being reloaded: one reload at a time, however many requests find it old. */
  private readonly reloading = new Set<string>();

  private reloadInBackground(shopId: string, current: Promise<ShopSnapshot | null>) {
    if (this.reloading.has(shopId)) return;
    this.reloading.add(shopId);
    const changes = this.changes.get(shopId) ?? 0;
    const next = loadSnapshot(this.db, shopId);
    next
      .then(
        () => {
          // A change announced while it loaded may be missing from what it read: the snapshot that
          // change was applied to stays, and the next answer that finds it old reloads it again.
          if (this.snapshots.get(shopId) === current && (this.changes.get(shopId) ?? 0) === changes) this.snapshots.set(shopId, next);
        },
        () => {},
      )
      .finally(() => this.reloading.delete(shopId));
  }

  async apply(message: Invalidation): Promise<void> {
    const entry = this.snapshots.get(message.shopId);
    if (!entry) return;
    const snapshot = await entry.catch(() => null);
    if (!snapshot) return;
    if (message.scope === "products") {
      snapshot.markProductsDirty(message.productIds);
      return;
    }
    if (message.scope === "model") {
      const shop = await this.db.shop.findUnique({ where: { id: message.shopId }, select: { activeModelVersionId: true } });
      snapshot.activeModelVersionId = shop?.activeModelVersionId ?? null;
      snapshot.lists.clear();
      snapshot.bestSellers = await loadBestSellers(this.db, message.shopId);
      return;
    }
    const rules = await loadRules(this.db, message.shopId);
    snapshot.ruleSet = rules.ruleSet;
    snapshot.pairs = rules.pairs;
    snapshot.holdoutShare = rules.holdoutShare;
    snapshot.attributionWindowMinutes = rules.attributionWindowMinutes;
  }
}
