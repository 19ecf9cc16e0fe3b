import type { PrismaClient } from "@prisma/client";
import type { ShopSnapshot } from "../storefront/snapshot.server";
import type { RecommendationRequest } from "./query.server";

/** How many of a shopper's latest viewed products count (their recently viewed list). */
export const RECENT_VIEWS = 20;

/** A shopper as serving knows them: their customer row id, what they bought and what they viewed last. */
export interface Shopper {
  customerId: string | null;
  purchased: Set<string>;
  recentlyViewed: string[];
}

/** Reads a shopper's history, by customer (row id or store id) and/or browser. */
export async function readShopper(
  db: PrismaClient,
  snapshot: ShopSnapshot,
  request: Pick<RecommendationRequest, "customerId" | "visitorKey">,
): Promise<Shopper> {
  const customer = request.customerId
    ? await db.customer.findFirst({
        where: { shopId: snapshot.shopId, OR: [{ id: request.customerId }, { externalId: request.customerId }] },
        select: { id: true },
      })
    : null;
  const who = [...(customer ? [{ customerId: customer.id }] : []), ...(request.visitorKey ? [{ visitorKey: request.visitorKey }] : [])];
  const [purchases, views] = who.length
    ? await Promise.all([
        db.interaction.findMany({
          where: { shopId: snapshot.shopId, kind: "PURCHASE", OR: who },
          select: { productId: true },
          distinct: ["productId"],
        }),
        db.interaction.findMany({
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
