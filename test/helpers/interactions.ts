import type { PrismaClient } from "@prisma/client";

/** Interactions with the store ids of their product and customer (plain columns in the schema, not relations). */
export async function withStoreIds<T extends { productId: string | null; customerId: string | null }>(db: PrismaClient, rows: T[]) {
  const ids = (pick: (row: T) => string | null) => [...new Set(rows.map(pick).filter((id): id is string => id !== null))];
  const [products, customers] = await Promise.all([
    db.product.findMany({ where: { id: { in: ids((row) => row.productId) } }, select: { id: true, externalId: true } }),
    db.customer.findMany({ where: { id: { in: ids((row) => row.customerId) } }, select: { id: true, externalId: true } }),
  ]);
  const product = new Map(products.map((row) => [row.id, row]));
  const customer = new Map(customers.map((row) => [row.id, row]));
  return rows.map((row) => ({
    ...row,
    product: product.get(row.productId ?? "") ?? null,
    customer: customer.get(row.customerId ?? "") ?? null,
  }));
}
