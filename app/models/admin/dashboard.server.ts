import type { Placement, PrismaClient } from "@prisma/client";
import { readStoreQuality } from "../../engine";
import { measureLift } from "../measurement.server";
import { getShopOverview } from "../shops.server";
import { PERIODS } from "./constants";
import { placementQuality } from "./placement-quality";

const DAY_MS = 86_400_000;

export function periodOf(url: URL): (typeof PERIODS)[number] {
  const days = Number(url.searchParams.get("period"));
  return PERIODS.find((known) => known === days) ?? 30;
}

/** The home page: data in, the model and its quality over time, revenue, and the first-run checklist. */
export async function getDashboard(db: PrismaClient, shopId: string, days: number, now = new Date()) {
  const from = new Date(now.getTime() - days * DAY_MS);
  const [overview, webhooks, backfill, versions, lift, series] = await Promise.all([
    getShopOverview(db, shopId),
    db.webhookEvent.count({ where: { shopId, receivedAt: { gte: new Date(now.getTime() - DAY_MS) } } }),
    db.jobRun.findFirst({ where: { shopId, name: "backfill" }, orderBy: { createdAt: "desc" } }),
    db.modelVersion.findMany({
      where: { shopId, status: "READY" },
      orderBy: { version: "desc" },
      take: 12,
      select: { version: true, trainedAt: true, metrics: true },
    }),
    measureLift(db, shopId, from, now),
    dailySeries(db, shopId, from, now),
  ]);
  // Checks saved in the older flat shape are read too (readStoreQuality).
  const quality = versions
    .flatMap((version) => {
      const metrics = readStoreQuality(version.metrics);
      return metrics ? [{ version: version.version, trainedAt: version.trainedAt?.toISOString() ?? null, metrics }] : [];
    })
    .reverse();
  const latest = quality.at(-1)?.metrics;
  return {
    counts: overview.counts,
    activeModel: overview.activeModel && { ...overview.activeModel, trainedAt: overview.activeModel.trainedAt?.toISOString() ?? null },
    webhooks,
    backfill: backfill && { status: backfill.status, progress: backfill.progress, message: backfill.message ?? backfill.error ?? "" },
    quality,
    // The last check's placements beside their baselines, worked out on the server: on the page,
    // servesRepeats would bring the engine into the browser's bundle.
    placements: latest ? placementQuality(latest) : null,
    lift,
    series,
    // Whether the blocks are in the theme is read from the theme (models/theme-blocks.server.ts).
    checklist: {
      history: overview.counts.orders > 0 || backfill?.status === "SUCCEEDED",
      model: !!overview.activeModel,
    },
  };
}

/** Per day: impressions, clicks and attributed revenue (days without any still appear, as zeros). */
async function dailySeries(db: PrismaClient, shopId: string, from: Date, to: Date) {
  const [events, attributions] = await Promise.all([
    db.$queryRaw<{ day: Date; kind: string; count: bigint }[]>`
      SELECT date_trunc('day', "occurredAt") AS day, kind::text AS kind, COUNT(*) AS count
      FROM "RecommendationEvent" WHERE "shopId" = ${shopId} AND "occurredAt" >= ${from} AND "occurredAt" < ${to} AND NOT holdout
      GROUP BY 1, 2`,
    db.$queryRaw<{ day: Date; revenue: string }[]>`
      SELECT date_trunc('day', "createdAt") AS day, SUM(revenue)::text AS revenue
      FROM "Attribution" WHERE "shopId" = ${shopId} AND "createdAt" >= ${from} AND "createdAt" < ${to}
      GROUP BY 1`,
  ]);
  const days = new Map<string, { day: string; impressions: number; clicks: number; revenue: number }>();
  for (let time = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); time < to.getTime(); time += DAY_MS) {
    const day = new Date(time).toISOString().slice(0, 10);
    days.set(day, { day, impressions: 0, clicks: 0, revenue: 0 });
  }
  for (const row of events) {
    const entry = days.get(new Date(row.day).toISOString().slice(0, 10));
    if (entry && row.kind === "IMPRESSION") entry.impressions = Number(row.count);
    if (entry && row.kind === "CLICK") entry.clicks = Number(row.count);
  }
  for (const row of attributions) {
    const entry = days.get(new Date(row.day).toISOString().slice(0, 10));
    if (entry) entry.revenue = Number(row.revenue);
  }
  return [...days.values()];
}

/** Per placement over the period: impressions, clicks, add-to-carts and attributed revenue. */
export async function placementStats(db: PrismaClient, shopId: string, days: number, now = new Date()) {
  const from = new Date(now.getTime() - days * DAY_MS);
  const [events, attributions] = await Promise.all([
    db.recommendationEvent.groupBy({ by: ["placement", "kind"], where: { shopId, occurredAt: { gte: from } }, _count: { _all: true } }),
    db.attribution.groupBy({
      by: ["placement"],
      where: { shopId, createdAt: { gte: from } },
      _sum: { revenue: true },
      _count: { _all: true },
    }),
  ]);
  const stats = new Map<Placement, { impressions: number; clicks: number; addToCarts: number; orders: number; revenue: number }>();
  const entry = (placement: Placement) => {
    let found = stats.get(placement);
    if (!found) stats.set(placement, (found = { impressions: 0, clicks: 0, addToCarts: 0, orders: 0, revenue: 0 }));
    return found;
  };
  for (const row of events) {
    const target = entry(row.placement);
    if (row.kind === "IMPRESSION") target.impressions = row._count._all;
    if (row.kind === "CLICK") target.clicks = row._count._all;
    if (row.kind === "ADD_TO_CART") target.addToCarts = row._count._all;
  }
  for (const row of attributions) Object.assign(entry(row.placement), { orders: row._count._all, revenue: Number(row._sum.revenue ?? 0) });
  return stats;
}

/** The customers with the most orders, for the admin's pickers ("name (orders)"). */
export async function topCustomers(db: PrismaClient, shopId: string, take = 40) {
  const buyers = await db.order.groupBy({
    by: ["customerId"],
    where: { shopId, customerId: { not: null } },
    _count: { _all: true },
    orderBy: { _count: { customerId: "desc" } },
    take,
  });
  const customers = await db.customer.findMany({
    where: { shopId, id: { in: buyers.map((buyer) => buyer.customerId!) } },
    select: { id: true, firstName: true, lastName: true, email: true },
  });
  const orderCount = new Map(buyers.map((buyer) => [buyer.customerId, buyer._count._all]));
  return customers
    .sort((a, b) => (orderCount.get(b.id) ?? 0) - (orderCount.get(a.id) ?? 0))
    .map((customer) => ({
      id: customer.id,
      label: `${[customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.email || customer.id} (${orderCount.get(customer.id)})`,
    }));
}

/** The best-selling products, for the admin's pickers. */
export async function topProducts(db: PrismaClient, shopId: string, take = 80) {
  const sellers = await db.orderLine.groupBy({
    by: ["productId"],
    where: { shopId, productId: { not: null } },
    _sum: { quantity: true },
    orderBy: { _sum: { quantity: "desc" } },
    take,
  });
  const products = await db.product.findMany({
    where: { shopId, id: { in: sellers.map((seller) => seller.productId!) } },
    select: { id: true, title: true },
  });
  const rank = new Map(sellers.map((seller, index) => [seller.productId, index]));
  return products.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!).map((product) => ({ id: product.id, label: product.title }));
}
