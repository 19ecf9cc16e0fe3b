import { createHash } from "node:crypto";
import type { Placement, PrismaClient } from "@prisma/client";
import { LRUCache } from "lru-cache";
import { applyRules, type CandidateTier, type Ranked } from "../engine/rules";
import type { Reason, Recommendation } from "../engine/types";
import type { FieldError } from "../json-body.server";
import type { PlainAnswer } from "../plain-answer.server";
import { MAX_ID_LENGTH, parseDecimalInteger, readQueryText } from "../text-input.server";
import { shopperHash, signAnswerToken, type AnswerClaims } from "./signed-tokens.server";
import { invalidationBus, type InvalidationBus } from "./storefront/invalidation.server";
import { SnapshotCache, type CatalogueProduct, type ListItem, type ShopSnapshot } from "./storefront/snapshot.server";
import { setting } from "../config/env.server";
import { processService } from "../services/registry.server";

export type { ListItem };

/** One storefront request, as the app proxy or the headless API received it. */
export interface RecommendationRequest {
  shopId: string;
  placement: Placement;
  /** The shopper: a customer by row id or store id (logged_in_customer_id), and/or an anonymous browser id. */
  customerId?: string | null;
  visitorKey?: string | null;
  /** The product on the page, by row id or store id. */
  productId?: string | null;
  /** Products in the cart, by row id or store id. */
  cart?: string[];
  limit?: number;
  now?: Date;
  /** Include each product's score and the signals behind it (the admin's preview; storefronts need neither). */
  detail?: boolean;
}

/** What a block needs to render a product card without another request. */
export interface RecommendedProduct {
  productId: string;
  externalId: string;
  handle: string | null;
  title: string;
  url: string;
  price: number;
  compareAtPrice: number | null;
  image: string | null;
  imageAlt: string | null;
  variantId: string | null;
  available: boolean;
  reason: string;
  tier: Ranked["tier"];
  score?: number;
  signals?: Ranked["signals"];
}

export interface RecommendationAnswer {
  placement: string;
  /** Sent back with impressions, clicks and add-to-carts; orders that follow are attributed to it. */
  token: string;
  /** The shopper is in the holdout group: shop-wide lists only, never personal ones. */
  holdout: boolean;
  modelVersionId: string | null;
  products: RecommendedProduct[];
}

export const DEFAULT_LIMIT = 8;
export const MAX_LIMIT = 50;
export const PLACEMENTS: Placement[] = ["FOR_YOU", "BOUGHT_TOGETHER", "RELATED", "TRENDING", "BUY_AGAIN", "RECENTLY_VIEWED", "CART"];
/** Per-product placements need the product shown. */
const PER_PRODUCT: Placement[] = ["BOUGHT_TOGETHER", "RELATED"];
/** A shopper's history (row id, purchases, recent views) is cached this long. */
const SHOPPER_TTL_MS = 60_000;
const RECENT_VIEWS = 20;

export class RecommendationError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Parses a placement as the storefront writes it (for_you, bought_together, …). */
export function parsePlacement(value: string | null): Placement | null {
  const upper = (value ?? "").trim().toUpperCase();
  return (PLACEMENTS as string[]).includes(upper) ? (upper as Placement) : null;
}

export interface RecommendationQuery {
  placement: Placement;
  productId: string | null;
  cart: string[];
  limit: number;
  visitorKey: string | null;
}

/**
 * The answer both storefront doors give (the app proxy and the headless API), once they know the
 * shop and the shopper: 400 naming each bad parameter, the recommendations, or the status of a
 * RecommendationError with its message.
 */
export async function answerRecommendationQuery(
  db: PrismaClient,
  shopId: string,
  customerId: string | null,
  params: URLSearchParams,
  headers: Record<string, string>,
): Promise<PlainAnswer> {
  const read = readRecommendationQuery(params);
  if ("errors" in read) return { status: 400, headers, body: { error: "the request is not valid", errors: read.errors } };
  try {
    const answer = await (await recommendationService(db)).recommend({ shopId, customerId, ...read.query });
    return { status: 200, headers: { ...headers, "Cache-Control": "private, no-store" }, body: answer };
  } catch (error) {
    if (error instanceof RecommendationError) return { status: error.status, headers, body: { error: error.message } };
    throw error;
  }
}

/**
 * Reads `placement`, `product_id`, `cart` (comma-separated product ids), `limit` and `visitor`
 * from a storefront query string, naming each bad field. Every text is checked for storage
 * (no NUL, well-formed, bounded) and `limit` must be decimal digits. The shopper parameters the
 * two doors pass on unread (`customer_id`, `logged_in_customer_id`) are checked here too, as
 * they reach the same lookups.
 */
export function readRecommendationQuery(params: URLSearchParams): { query: RecommendationQuery } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const text = (field: string, max: number) => {
    const read = readQueryText(params, field, max);
    if ("error" in read) errors.push(read.error);
    return "value" in read ? read.value : null;
  };
  const placement = parsePlacement(params.get("placement") ?? "for_you");
  if (!placement)
    errors.push({ field: "placement", message: `must be one of ${PLACEMENTS.map((known) => known.toLowerCase()).join(", ")}` });
  const limitText = params.get("limit");
  const limit = limitText === null || limitText === "" ? DEFAULT_LIMIT : parseDecimalInteger(limitText);
  if (limit === null || limit < 1 || limit > MAX_LIMIT)
    errors.push({ field: "limit", message: `must be a whole number from 1 to ${MAX_LIMIT}, in decimal digits` });
  const productId = text("product_id", MAX_ID_LENGTH);
  if (placement && PER_PRODUCT.includes(placement) && !productId && !errors.some((error) => error.field === "product_id")) {
    errors.push({ field: "product_id", message: `is required for ${placement.toLowerCase()}: the product shown` });
  }
  const cart = (text("cart", MAX_LIMIT * (MAX_ID_LENGTH + 1)) ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  if (cart.length > MAX_LIMIT) errors.push({ field: "cart", message: `may name at most ${MAX_LIMIT} products` });
  else if (cart.some((id) => id.length > MAX_ID_LENGTH))
    errors.push({ field: "cart", message: `each product id must be at most ${MAX_ID_LENGTH} characters` });
  const visitorKey = text("visitor", MAX_VISITOR_KEY_LENGTH);
  for (const field of SHOPPER_FIELDS) text(field, MAX_ID_LENGTH);
  if (errors.length || !placement || limit === null) return { errors };
  return { query: { placement, productId, cart, limit, visitorKey } };
}

/** A browser's id (Shopify's `_shopify_y` cookie, or the headless storefront's own). */
const MAX_VISITOR_KEY_LENGTH = 128;
/** How each door names the logged-in shopper: the headless API, and Shopify's app proxy. */
const SHOPPER_FIELDS = ["customer_id", "logged_in_customer_id"];

interface Shopper {
  customerId: string | null;
  purchased: Set<string>;
  recentlyViewed: string[];
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

    const tiers = holdout ? await this.shopWide(snapshot) : await this.tiers(snapshot, request.placement, shopper, shown, cart);
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
      placement: request.placement.toLowerCase(),
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

  /** Candidates by placement, best tier first; personal → similar → trending → best sellers. */
  private async tiers(
    snapshot: ShopSnapshot,
    placement: Placement,
    shopper: Shopper,
    shown: CatalogueProduct | undefined,
    cart: string[],
  ): Promise<CandidateTier[]> {
    const list = (listPlacement: Placement, subject: string | null | undefined) =>
      subject ? snapshot.list(this.db, listPlacement, subject) : Promise.resolve([]);
    // Lists are fetched now (from the cache, or the database once); merging waits until needed.
    const merged = async (listPlacement: Placement, subjects: string[]) => {
      const lists = await Promise.all(subjects.map((subject) => list(listPlacement, subject)));
      return () => mergeLists(lists);
    };
    const context = shown ? [shown.id] : cart.length ? cart : shopper.recentlyViewed.slice(0, 3);
    const fallbacks = await this.shopWide(snapshot);
    switch (placement) {
      case "FOR_YOU":
        return [
          tier("personal", await list("FOR_YOU", shopper.customerId)),
          tier("similar", await merged("RELATED", context)),
          ...fallbacks,
        ];
      case "BOUGHT_TOGETHER": {
        // The merchant's approved and hand-added pairs come first; rejected ones never show.
        const chosen = (shown && snapshot.pairs.chosen.get(shown.id)) || [];
        const rejected = (shown && snapshot.pairs.rejected.get(shown.id)) || new Set<string>();
        const notRejected = (items: ListItem[]) => items.filter((item) => !rejected.has(item.productId));
        const approved = chosen.map((productId, index) => ({
          productId,
          score: chosen.length - index,
          reason: { kind: "bought_with" as const, itemId: shown!.id },
        }));
        return [
          tier("similar", approved),
          tier("similar", notRejected(await list("BOUGHT_TOGETHER", shown?.id))),
          tier("similar", notRejected(await list("RELATED", shown?.id))),
          ...fallbacks,
        ];
      }
      case "RELATED":
        return [tier("similar", await list("RELATED", shown?.id)), tier("similar", await list("BOUGHT_TOGETHER", shown?.id)), ...fallbacks];
      case "CART":
        return [
          tier("similar", await merged("BOUGHT_TOGETHER", cart)),
          tier("similar", await merged("RELATED", cart)),
          tier("personal", await list("FOR_YOU", shopper.customerId)),
          ...fallbacks,
        ];
      case "TRENDING":
        return fallbacks;
      // These two name what the shopper did: nothing else may stand in for them.
      case "BUY_AGAIN":
        return [tier("personal", await list("BUY_AGAIN", shopper.customerId))];
      case "RECENTLY_VIEWED":
        return [
          {
            tier: "personal",
            candidates: shopper.recentlyViewed.map((itemId, index) => ({
              itemId,
              score: RECENT_VIEWS - index,
              reason: { kind: "viewed" },
            })),
          },
        ];
    }
  }

  private async shopWide(snapshot: ShopSnapshot): Promise<CandidateTier[]> {
    return [tier("trending", await snapshot.list(this.db, "TRENDING", "*")), tier("best_sellers", snapshot.bestSellers)];
  }

  private async shopper(snapshot: ShopSnapshot, request: RecommendationRequest): Promise<Shopper> {
    const key = `${snapshot.shopId}:${request.customerId ?? ""}:${request.visitorKey ?? ""}`;
    const last = lastGood(this.shoppers, key);
    if (last.fresh) return last.value!;
    const shopper = await orLastGood(this.readShopper(snapshot, request), last.value);
    this.shoppers.set(key, shopper);
    return shopper;
  }

  private async readShopper(snapshot: ShopSnapshot, request: RecommendationRequest): Promise<Shopper> {
    const customer = request.customerId
      ? await this.db.customer.findFirst({
          where: { shopId: snapshot.shopId, OR: [{ id: request.customerId }, { externalId: request.customerId }] },
          select: { id: true },
        })
      : null;
    const who = [...(customer ? [{ customerId: customer.id }] : []), ...(request.visitorKey ? [{ visitorKey: request.visitorKey }] : [])];
    const [purchases, views] = who.length
      ? await Promise.all([
          this.db.interaction.findMany({
            where: { shopId: snapshot.shopId, kind: "PURCHASE", OR: who },
            select: { productId: true },
            distinct: ["productId"],
          }),
          this.db.interaction.findMany({
            where: { shopId: snapshot.shopId, kind: "VIEW", OR: who },
            select: { productId: true },
            orderBy: { occurredAt: "desc" },
            take: RECENT_VIEWS * 3,
          }),
        ])
      : [[], []];
    return {
      customerId: customer?.id ?? null,
      purchased: new Set(purchases.flatMap((row) => (row.productId ? [row.productId] : []))),
      recentlyViewed: [...new Set(views.flatMap((row) => (row.productId ? [row.productId] : [])))].slice(0, RECENT_VIEWS),
    };
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

function tier(name: CandidateTier["tier"], items: ListItem[] | Recommendation[] | (() => ListItem[])): CandidateTier {
  const asCandidates = (list: ListItem[] | Recommendation[]) =>
    list.map((item) => ("itemId" in item ? item : { itemId: item.productId, score: item.score, reason: item.reason }));
  return { tier: name, candidates: () => asCandidates(typeof items === "function" ? items() : items) };
}

/** Several products' lists as one: scores add up, and the strongest source gives the reason. */
function mergeLists(lists: ListItem[][]): ListItem[] {
  const nonEmpty = lists.filter((list) => list.length);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
  const merged = new Map<string, ListItem & { best: number }>();
  for (const list of lists) {
    for (const item of list) {
      const entry = merged.get(item.productId);
      if (!entry) merged.set(item.productId, { ...item, best: item.score });
      else {
        entry.score += item.score;
        if (item.score > entry.best) Object.assign(entry, { reason: item.reason, best: item.score });
      }
    }
  }
  return [...merged.values()].sort((a, b) => b.score - a.score);
}

function card(snapshot: ShopSnapshot, item: Ranked, detail: boolean): RecommendedProduct {
  const product = snapshot.product(item.itemId)!;
  const card: RecommendedProduct = {
    productId: product.id,
    externalId: product.externalId,
    handle: product.handle,
    title: product.title,
    // Encoded, so that a crafted handle stays one path segment under /products/ (no ../, no //host).
    url: `/products/${encodeURIComponent(product.handle || product.externalId)}`,
    price: product.price,
    compareAtPrice: product.compareAtPrice,
    image: product.imageUrl,
    imageAlt: product.imageAlt ?? product.title,
    variantId: product.variantId,
    available: product.inStock,
    reason: describeReason(item.reason, (id) => snapshot.product(id)?.title),
    tier: item.tier,
  };
  if (detail) Object.assign(card, { score: Number.isFinite(item.score) ? item.score : 0, signals: item.signals });
  return card;
}

function describeReason(reason: Reason, titleOf: (productId: string) => string | undefined): string {
  const other = "itemId" in reason ? titleOf(reason.itemId) : undefined;
  switch (reason.kind) {
    case "bought_with":
      return other ? `Often bought with ${other}` : "Often bought together";
    case "because_you_bought":
      return other ? `Because you bought ${other}` : "Based on your purchases";
    case "buy_again":
      return "Time to restock";
    case "trending":
      if (reason.season) return "Popular this time of year";
      return reason.collection ? `Trending in ${reason.collection}` : "Trending now";
    case "similar":
      return other ? `Similar to ${other}` : "You may also like";
    case "viewed":
      return "You viewed this";
    case "featured":
      return "Featured";
    default:
      return "Popular in this store";
  }
}

/** A stable share of shoppers, by a hash of shop and shopper, sees no personal recommendations. */
function inHoldout(shopId: string, shopperKey: string | null | undefined, share: number): boolean {
  if (!shopperKey || share <= 0) return false;
  const bucket = createHash("sha256").update(`${shopId}:${shopperKey}`).digest().readUInt32BE(0) / 2 ** 32;
  return bucket < share;
}

/** A token's time: seconds since the epoch, to the minute. */
const issuedAt = (now: Date) => Math.floor(now.getTime() / 60_000) * 60;

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

export function tokenSecret(): string {
  const secret = setting("AFFINITY_TOKEN_SECRET") || setting("SHOPIFY_API_SECRET");
  if (secret) return secret;
  if (setting("NODE_ENV") === "production") throw new Error("Set SHOPIFY_API_SECRET (or AFFINITY_TOKEN_SECRET) to sign tracking tokens.");
  return "affinity-development-token-secret";
}

/** The preview's and older callers' shape: the products only. */
export async function getRecommendations(db: PrismaClient, request: RecommendationRequest): Promise<RecommendedProduct[]> {
  return (await (await recommendationService(db)).recommend({ detail: true, ...request })).products;
}
