import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { verifyToken } from "./recommendations.server";

type Db = PrismaClient | Prisma.TransactionClient;

/** Product ids one event may name (a block's impressions). */
const MAX_PRODUCTS_PER_EVENT = 50;

/** What a block reports, with the token of the answer it rendered. */
export const recommendationEventBody = z.object({
  token: z.string().min(10).max(600),
  kind: z.enum(["impression", "click", "add_to_cart"]),
  /** The store's product ids: all shown for an impression, the one clicked or added otherwise. */
  productIds: z.array(z.union([z.string().min(1).max(64), z.number().int()]).transform(String)).min(1).max(MAX_PRODUCTS_PER_EVENT),
  visitor: z.string().trim().min(1).max(128).optional(),
});
export type RecommendationEventBody = z.infer<typeof recommendationEventBody>;

const KINDS = { impression: "IMPRESSION", click: "CLICK", add_to_cart: "ADD_TO_CART" } as const;

/**
 * Records a block's impressions, clicks or add-to-carts. The token must be one this app signed
 * for this shop (an answer's token), which says the placement and whether the shopper is in the
 * holdout; products are stored by row id. Returns null for a token that is not ours.
 */
export async function recordRecommendationEvents(
  db: Db,
  secret: string,
  shopId: string,
  shopper: { customerExternalId?: string | null; visitorKey?: string | null },
  body: RecommendationEventBody,
): Promise<{ recorded: number } | null> {
  const claims = verifyToken(secret, body.token);
  if (!claims || claims.s !== shopId) return null;
  const [products, customer] = await Promise.all([
    db.product.findMany({ where: { shopId, externalId: { in: body.productIds } }, select: { id: true } }),
    shopper.customerExternalId ? db.customer.findUnique({ where: { shopId_externalId: { shopId, externalId: shopper.customerExternalId } }, select: { id: true } }) : null,
  ]);
  const visitorKey = shopper.visitorKey ?? body.visitor ?? null;
  const { count } = await db.recommendationEvent.createMany({
    data: products.map((product) => ({
      shopId,
      kind: KINDS[body.kind],
      token: body.token,
      placement: claims.p,
      productId: product.id,
      customerId: customer?.id ?? null,
      visitorKey,
      holdout: claims.h === 1,
    })),
  });
  return { recorded: count };
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
      OR: [{ customerId: order.customerId }, ...(visitors.length ? [{ visitorKey: { in: visitors.map((visitor) => visitor.visitorKey) } }] : [])],
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
 * who saw a block, compared between the groups. Shoppers are customers, or browsers not yet
 * linked to one.
 */
export async function measureLift(db: Db, shopId: string, from: Date, to: Date): Promise<Lift> {
  const events = await db.recommendationEvent.findMany({
    where: { shopId, occurredAt: { gte: from, lt: to } },
    select: { kind: true, customerId: true, visitorKey: true, holdout: true },
  });
  const visitorKeys = [...new Set(events.flatMap((event) => (event.visitorKey && !event.customerId ? [event.visitorKey] : [])))];
  const linked = new Map(
    (await db.visitor.findMany({ where: { shopId, visitorKey: { in: visitorKeys }, customerId: { not: null } }, select: { visitorKey: true, customerId: true } })).map(
      (visitor) => [visitor.visitorKey, visitor.customerId!],
    ),
  );
  const groups = { treatment: new Set<string>(), holdout: new Set<string>() };
  for (const event of events) {
    if (event.kind !== "IMPRESSION") continue;
    const shopper = event.customerId ?? (event.visitorKey ? (linked.get(event.visitorKey) ?? `visitor:${event.visitorKey}`) : null);
    if (shopper) groups[event.holdout ? "holdout" : "treatment"].add(shopper);
  }
  const customers = [...groups.treatment, ...groups.holdout].filter((shopper) => !shopper.startsWith("visitor:"));
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
  const attributions = await db.attribution.aggregate({ where: { shopId, createdAt: { gte: from, lt: to } }, _count: { _all: true }, _sum: { revenue: true } });
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
