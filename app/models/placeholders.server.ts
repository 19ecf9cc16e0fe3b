import type { Prisma, PrismaClient } from "@prisma/client";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Row ids for the store's product ids. An event may name a product whose own sync has not
 * arrived yet: it is created as a placeholder (its id as title), which the sync then fills in.
 */
export async function productRowIds(db: Db, shopId: string, externalIds: Iterable<string>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const externalId of new Set(externalIds)) {
    const product = await db.product.upsert({
      where: { shopId_externalId: { shopId, externalId } },
      create: { shopId, externalId, title: `Product ${externalId}` },
      update: {},
      select: { id: true },
    });
    ids.set(externalId, product.id);
  }
  return ids;
}

/** Row ids for the store's customer ids, creating a placeholder for a customer not synced yet. */
export async function customerRowIds(db: Db, shopId: string, externalIds: Iterable<string>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const externalId of new Set(externalIds)) {
    const customer = await db.customer.upsert({
      where: { shopId_externalId: { shopId, externalId } },
      create: { shopId, externalId },
      update: {},
      select: { id: true },
    });
    ids.set(externalId, customer.id);
  }
  return ids;
}
