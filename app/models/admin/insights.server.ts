import type { PrismaClient } from "@prisma/client";
import type { Insights } from "../../engine";

/**
 * The insights page: the catalogue map, clusters and segments the served version's training
 * mapped (null before a version has any points), and the titles of the products they name.
 */
export async function getCatalogueInsights(db: PrismaClient, shop: { id: string; activeModelVersionId: string | null }) {
  const version = shop.activeModelVersionId
    ? await db.modelVersion.findUnique({ where: { id: shop.activeModelVersionId }, select: { insights: true } })
    : null;
  const insights = (version?.insights ?? null) as Insights | null;
  if (!insights?.points.length) return { insights: null, titles: {} as Record<string, string> };
  const ids = new Set([...insights.points.map((point) => point.itemId), ...insights.segments.flatMap((segment) => segment.topItemIds)]);
  const products = await db.product.findMany({ where: { shopId: shop.id, id: { in: [...ids] } }, select: { id: true, title: true } });
  return { insights, titles: Object.fromEntries(products.map((product) => [product.id, product.title])) };
}
