import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { storedText } from "../text-input.server";
import { shopperHash, verifyAnswerToken, type ShopperIdentity } from "./signed-tokens.server";
import { consumeRateLimit } from "./storefront/rate-limits.server";

type Db = PrismaClient | Prisma.TransactionClient;

/** A report's body: one token and at most 50 product ids (both doors, and the server's cap before reading). */
export const MAX_RECOMMENDATION_EVENT_BODY_BYTES = 16_384;

/** Product ids one event may name (a block's impressions). */
const MAX_PRODUCTS_PER_EVENT = 50;

/** What a block reports, with the token of the answer it rendered. */
export const recommendationEventBody = z.object({
  token: storedText(600).min(10),
  kind: z.enum(["impression", "click", "add_to_cart"]),
  /** The store's product ids: all shown for an impression, the one clicked or added otherwise. */
  productIds: z
    .array(z.union([storedText(64).min(1), z.number().int()]).transform(String))
    .min(1)
    .max(MAX_PRODUCTS_PER_EVENT),
  visitor: storedText(128).trim().min(1).optional(),
});
export type RecommendationEventBody = z.infer<typeof recommendationEventBody>;

const KINDS = { impression: "IMPRESSION", click: "CLICK", add_to_cart: "ADD_TO_CART" } as const;

export type EventsRecorded =
  { recorded: number; duplicates: number } | { refusal: { status: number; message: string; headers?: Record<string, string> } };

/**
 * Records a block's impressions, clicks or add-to-carts. The token must be one this app signed
 * for this shop, not expired, and issued to this same shopper (as the door proved them: the app
 * proxy's signed customer, or the headless API's secret key or shopper token): it says the
 * placement and whether the shopper is in the holdout. Each (token, product, kind) counts once,
 * so a replayed report adds nothing, and each shopper's reports are rate-limited. Products are
 * stored by row id.
 */
export async function recordRecommendationEvents(
  db: Db,
  secret: string,
  shopId: string,
  shopper: ShopperIdentity,
  body: RecommendationEventBody,
): Promise<EventsRecorded> {
  const checked = verifyAnswerToken(secret, body.token);
  if ("refusal" in checked) return { refusal: { status: 403, message: checked.refusal } };
  const { claims } = checked;
  if (claims.s !== shopId) return { refusal: { status: 403, message: "the token is not one of this shop's answers" } };
  if (claims.u !== shopperHash(shopId, shopper)) {
    return {
      refusal: {
        status: 403,
        message: "the token was issued to another shopper: report events with the token of the answer this shopper was shown",
      },
    };
  }
  const rate = await consumeRateLimit("shopper-events", `${shopId}:${claims.u}`);
  if ("refusal" in rate) return { refusal: { status: 429, message: rate.refusal.body.error, headers: rate.refusal.headers } };
  const [products, customer] = await Promise.all([
    db.product.findMany({ where: { shopId, externalId: { in: body.productIds } }, select: { id: true } }),
    shopper.customerId
      ? db.customer.findUnique({ where: { shopId_externalId: { shopId, externalId: shopper.customerId } }, select: { id: true } })
      : null,
  ]);
  const tokenId = createHash("sha256").update(body.token).digest("base64url").slice(0, 22);
  const { count } = await db.recommendationEvent.createMany({
    data: products.map((product) => ({
      shopId,
      kind: KINDS[body.kind],
      token: body.token,
      placement: claims.p,
      productId: product.id,
      customerId: customer?.id ?? null,
      visitorKey: shopper.visitorKey,
      holdout: claims.h === 1,
      dedupeKey: `${tokenId}:${body.kind}:${product.id}`,
    })),
    skipDuplicates: true,
  });
  return { recorded: count, duplicates: products.length - count };
}

/**
 * Credits an order to the recommendations its shopper clicked (or added to the cart) within the
 * shop's attribution window before it: one attribution per answer token, with the revenue of
 * the order's lines for the products clicked through that answer. Clicks by the shopper's
 * browsers before they logged in count too. Running it again changes nothing.
 */
export async function attributeOrder(db: Db, shopId: string, orderId: string): Promise<number> {
  const order = await db.order.findUnique({ where: { id: orderId }, include: { lines: true } });
  if (!order?.customerId || order.test || order.cancelledAt) return 0;
  const settings = await db.shopSettings.findUnique({ where: { shopId }, select: { attributionWindowMinutes: true } });
  const windowStart = new Date(order.processedAt.getTime() - (settings?.attributionWindowMinutes ?? 10_080) * 60_000);
  const visitors = await db.visitor.findMany({ where: { shopId, customerId: order.customerId }, select: { visitorKey: true } });
  const clicks = await db.recommendationEvent.findMany({
    where: {
      shopId,
      kind: { in: ["CLICK", "ADD_TO_CART"] },
      holdout: false,
      occurredAt: { gte: windowStart, lte: order.processedAt },
      productId: { in: order.lines.flatMap((line) => (line.productId ? [line.productId] : [])) },
      OR: [
        { customerId: order.customerId },
        ...(visitors.length ? [{ visitorKey: { in: visitors.map((visitor) => visitor.visitorKey) } }] : []),
      ],
    },
    select: { token: true, placement: true, productId: true },
  });
  const byToken = new Map<string, { placement: (typeof clicks)[number]["placement"]; products: Set<string> }>();
  for (const click of clicks) {
    const entry = byToken.get(click.token) ?? { placement: click.placement, products: new Set<string>() };
    entry.products.add(click.productId!);
    byToken.set(click.token, entry);
  }
  let created = 0;
  for (const [token, { placement, products }] of byToken) {
    const revenue = order.lines
      .filter((line) => line.productId && products.has(line.productId))
      .reduce((sum, line) => sum + Number(line.price) * (line.quantity - line.refundedQuantity), 0);
    const { count } = await db.attribution.createMany({
      data: [{ shopId, orderId: order.id, token, placement, revenue: Math.round(revenue * 100) / 100 }],
      skipDuplicates: true,
    });
    created += count;
  }
  return created;
}

export interface GroupOutcome {
  /** Shoppers who saw at least one block in the period. */
  shoppers: number;
  orders: number;
  revenue: number;
  revenuePerShopper: number;
}

export interface Lift {
  treatment: GroupOutcome;
  holdout: GroupOutcome;
  /** Revenue per shopper, treatment over holdout, minus one; null without holdout shoppers. */
  revenueLift: number | null;
  impressions: number;
  clicks: number;
  clickThrough: number;
  attributedOrders: number;
  attributedRevenue: number;
}

/**
 * What recommendations did in a period: click-through, attributed orders and revenue, and the
 * lift against the holdout group (shoppers who saw shop-wide lists only): revenue per shopper
 * who saw a block, compared between the groups. Shoppers are customers, as the storefront
 * proved them (the app proxy's signed customer, a shopper token, or a browser linked to its
 * customer by that proof or by a checkout): a browser nobody proved has no orders to compare,
 * and anyone could invent such browsers to move the figure.
 */
export async function measureLift(db: Db, shopId: string, from: Date, to: Date): Promise<Lift> {
  const events = await db.recommendationEvent.findMany({
    where: { shopId, occurredAt: { gte: from, lt: to } },
    select: { kind: true, customerId: true, visitorKey: true, holdout: true },
  });
  const visitorKeys = [...new Set(events.flatMap((event) => (event.visitorKey && !event.customerId ? [event.visitorKey] : [])))];
  const linked = new Map(
    (
      await db.visitor.findMany({
        where: { shopId, visitorKey: { in: visitorKeys }, customerId: { not: null } },
        select: { visitorKey: true, customerId: true },
      })
    ).map((visitor) => [visitor.visitorKey, visitor.customerId!]),
  );
  const groups = { treatment: new Set<string>(), holdout: new Set<string>() };
  for (const event of events) {
    if (event.kind !== "IMPRESSION") continue;
    const shopper = event.customerId ?? (event.visitorKey ? linked.get(event.visitorKey) : undefined);
    if (shopper) groups[event.holdout ? "holdout" : "treatment"].add(shopper);
  }
  const customers = [...groups.treatment, ...groups.holdout];
  const orders = await db.order.findMany({
    where: { shopId, customerId: { in: customers }, processedAt: { gte: from, lt: to }, test: false, cancelledAt: null },
    select: { customerId: true, totalPrice: true },
  });
  const outcome = (shoppers: Set<string>): GroupOutcome => {
    const mine = orders.filter((order) => shoppers.has(order.customerId!));
    const revenue = Math.round(mine.reduce((sum, order) => sum + Number(order.totalPrice), 0) * 100) / 100;
    return { shoppers: shoppers.size, orders: mine.length, revenue, revenuePerShopper: shoppers.size ? revenue / shoppers.size : 0 };
  };
  const treatment = outcome(groups.treatment);
  const holdout = outcome(groups.holdout);
  const attributions = await db.attribution.aggregate({
    where: { shopId, createdAt: { gte: from, lt: to } },
    _count: { _all: true },
    _sum: { revenue: true },
  });
  const impressions = events.filter((event) => event.kind === "IMPRESSION" && !event.holdout).length;
  const clicks = events.filter((event) => event.kind === "CLICK" && !event.holdout).length;
  return {
    treatment,
    holdout,
    revenueLift: holdout.shoppers && holdout.revenuePerShopper > 0 ? treatment.revenuePerShopper / holdout.revenuePerShopper - 1 : null,
    impressions,
    clicks,
    clickThrough: impressions ? clicks / impressions : 0,
    attributedOrders: attributions._count._all,
    attributedRevenue: Number(attributions._sum.revenue ?? 0),
  };
}
