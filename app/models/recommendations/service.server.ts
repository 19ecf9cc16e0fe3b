import type { PrismaClient } from "@prisma/client";
import { LRUCache } from "lru-cache";
import { applyRules } from "../../engine/rules";
import { shopperHash, signAnswerToken, type AnswerClaims } from "../signed-tokens.server";
import { invalidationBus, type InvalidationBus } from "../storefront/invalidation.server";
import { SnapshotCache, type ShopSnapshot } from "../storefront/snapshot.server";
import { card, type RecommendedProduct } from "./cards.server";
import { inHoldout } from "./holdout.server";
import { DEFAULT_LIMIT, MAX_LIMIT, PER_PRODUCT, type RecommendationRequest } from "./query.server";
import { readShopper, type Shopper } from "./shoppers.server";
import { candidateTiers, shopWideTiers } from "./tiers.server";
import { issuedAt, tokenSecret } from "./tokens.server";
import { processService } from "../../services/registry.server";
import { placementParam, type PlacementParam } from "../../engine/placements";

export interface RecommendationAnswer {
  placement: PlacementParam;
  /** Sent back with impressions, clicks and add-to-carts; orders that follow are attributed to it. */
  token: string;
  /** The shopper is in the holdout group: shop-wide lists only, never personal ones. */
  holdout: boolean;
  modelVersionId: string | null;
  products: RecommendedProduct[];
}

/** A shopper's history (row id, purchases, recent views) is cached this long. */
const SHOPPER_TTL_MS = 60_000;

export class RecommendationError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The storefront's recommendation service for one process: cached shop snapshots, cached
 * shopper histories, the rules, and the answer with its reasons and tracking token.
 */
export class RecommendationService {
  private readonly snapshots: SnapshotCache;
  private readonly shoppers = new LRUCache<string, Shopper>({ max: 50_000, ttl: SHOPPER_TTL_MS });
  private readonly shopIds = new LRUCache<string, string>({ max: 10_000, ttl: SHOPPER_TTL_MS });

  constructor(
    private readonly db: PrismaClient,
    private readonly tokenSecret: string,
    bus: InvalidationBus = invalidationBus(),
  ) {
    this.snapshots = new SnapshotCache(db, bus);
  }

  async start(): Promise<this> {
    await this.snapshots.start();
    return this;
  }

  stop() {
    this.snapshots.stop();
  }

  /** The installed shop's row id for a storefront domain, or null. */
  async shopIdFor(domain: string): Promise<string | null> {
    const last = lastGood(this.shopIds, domain);
    if (last.fresh) return last.value!;
    const read = this.db.shop.findUnique({ where: { domain }, select: { id: true, uninstalledAt: true } });
    const shop = await orLastGood(read, last.value === undefined ? undefined : { id: last.value, uninstalledAt: null });
    if (!shop || shop.uninstalledAt) return (this.shopIds.delete(domain), null);
    this.shopIds.set(domain, shop.id);
    return shop.id;
  }

  async recommend(request: RecommendationRequest): Promise<RecommendationAnswer> {
    const limit = Math.min(Math.max(1, Math.floor(request.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
    const snapshot = await this.snapshots.get(request.shopId);
    if (!snapshot) throw new RecommendationError(`unknown shop ${request.shopId}`, 404);
    const shown = request.productId ? snapshot.product(request.productId) : undefined;
    if (PER_PRODUCT.includes(request.placement) && !request.productId) {
      throw new RecommendationError(`placement ${request.placement.toLowerCase()} needs product_id, the product shown`, 400);
    }
    const cart = (request.cart ?? []).map((id) => snapshot.product(id)?.id).filter((id): id is string => !!id);
    const shopper = await this.shopper(snapshot, request);
    const holdout = inHoldout(request.shopId, request.customerId ?? request.visitorKey, snapshot.holdoutShare);
    const now = request.now ?? new Date();

    const tiers = holdout
      ? await shopWideTiers(this.db, snapshot)
      : await candidateTiers(this.db, snapshot, request.placement, shopper, shown, cart);
    const ranked = applyRules(tiers, (id) => snapshot.product(id), snapshot.ruleSet, {
      placement: request.placement,
      now,
      limit,
      shownProductId: shown?.id,
      cart: new Set(cart),
      purchased: shopper.purchased,
    });
    const u = shopperHash(request.shopId, { customerId: request.customerId ?? null, visitorKey: request.visitorKey ?? null });
    const token = this.token({
      s: request.shopId,
      p: request.placement,
      v: snapshot.activeModelVersionId,
      h: holdout ? 1 : 0,
      u,
      t: issuedAt(now),
    });
    return {
      placement: placementParam(request.placement),
      token,
      holdout,
      modelVersionId: snapshot.activeModelVersionId,
      products: ranked.map((item) => card(snapshot, item, request.detail ?? false)),
    };
  }

  /** A shopper's tokens are the same for a minute (their time is to the minute), so each is signed once. */
  private readonly tokens = new LRUCache<string, string>({ max: 10_000 });
  private token(claims: Omit<AnswerClaims, "typ">): string {
    const key = `${claims.s}:${claims.p}:${claims.v}:${claims.h}:${claims.u}:${claims.t}`;
    let token = this.tokens.get(key);
    if (!token) this.tokens.set(key, (token = signAnswerToken(this.tokenSecret, claims)));
    return token;
  }

  private async shopper(snapshot: ShopSnapshot, request: RecommendationRequest): Promise<Shopper> {
    const key = `${snapshot.shopId}:${request.customerId ?? ""}:${request.visitorKey ?? ""}`;
    const last = lastGood(this.shoppers, key);
    if (last.fresh) return last.value!;
    const shopper = await orLastGood(readShopper(this.db, snapshot, request), last.value);
    this.shoppers.set(key, shopper);
    return shopper;
  }
}

/** A cached value, kept past its time so that it can still answer while the database cannot be read. */
function lastGood<V extends {}>(cache: LRUCache<string, V>, key: string): { value: V | undefined; fresh: boolean } {
  const status: LRUCache.Status<string, V> = {};
  const value = cache.get(key, { allowStale: true, noDeleteOnStaleGet: true, status });
  return { value, fresh: status.get === "hit" };
}

/** What the database answers, or, when it cannot be read, the last good value: stale rather than an error. */
function orLastGood<V>(read: Promise<V>, last: V | undefined): Promise<V> {
  return read.catch((error: unknown) => {
    if (last === undefined) throw error;
    return last;
  });
}

/**
 * The process's service: one snapshot cache shared by the app proxy, the headless API and the
 * preview. At shutdown it stops listening for changes before the invalidation bus closes.
 */
export function recommendationService(db: PrismaClient): Promise<RecommendationService> {
  return processService("recommendations", () => {
    const started = new RecommendationService(db, tokenSecret()).start();
    return { started, close: async () => (await started.catch(() => undefined))?.stop() };
  }).started;
}

/** The preview's and older callers' shape: the products only. */
export async function getRecommendations(db: PrismaClient, request: RecommendationRequest): Promise<RecommendedProduct[]> {
  return (await (await recommendationService(db)).recommend({ detail: true, ...request })).products;
}
