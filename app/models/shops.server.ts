import type { Prisma, PrismaClient, Shop } from "@prisma/client";

/** The shop row for a domain, created with its default settings on first sight. */
export async function ensureShop(db: PrismaClient, domain: string, data: Omit<Prisma.ShopCreateInput, "domain"> = {}): Promise<Shop> {
  return db.shop.upsert({
    where: { domain },
    update: { uninstalledAt: null },
    create: { ...data, domain, settings: { create: {} } },
  });
}

export async function getShopByDomain(db: PrismaClient, domain: string) {
  return db.shop.findUnique({ where: { domain }, include: { settings: true } });
}

export interface ShopOverview {
  counts: { products: number; customers: number; orders: number; interactions: number };
  activeModel: { version: number; trainedAt: Date | null; models: string[]; interactionCount: number } | null;
}

export async function getShopOverview(db: PrismaClient, shopId: string): Promise<ShopOverview> {
  const [products, customers, orders, interactions, shop] = await Promise.all([
    db.product.count({ where: { shopId, deletedAt: null } }),
    db.customer.count({ where: { shopId } }),
    db.order.count({ where: { shopId } }),
    db.interaction.count({ where: { shopId } }),
    db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { activeModelVersion: true } }),
  ]);
  const model = shop.activeModelVersion;
  return {
    counts: { products, customers, orders, interactions },
    activeModel: model
      ? { version: model.version, trainedAt: model.trainedAt, models: model.models, interactionCount: model.interactionCount }
      : null,
  };
}
