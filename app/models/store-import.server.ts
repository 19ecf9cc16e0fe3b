import { randomUUID } from "node:crypto";
import type { DataSource, InteractionKind, Prisma, PrismaClient } from "@prisma/client";
import { appendInteractions } from "./interactions.server";

/** A whole store as plain data: what the demo generator produces and a headless import reads. */
export interface StoreSnapshot {
  collections: { externalId: string; handle: string; title: string }[];
  products: {
    externalId: string;
    handle: string;
    title: string;
    description: string;
    productType: string;
    vendor: string;
    tags: string[];
    price: number;
    compareAtPrice: number | null;
    available: boolean;
    inventory: number;
    collectionHandles: string[];
    imageUrl: string;
    createdAt: Date;
    variants: { externalId: string; title: string; sku: string; price: number; available: boolean; inventory: number }[];
  }[];
  customers: {
    externalId: string;
    email: string;
    firstName: string;
    lastName: string;
    country: string;
    province: string | null;
    city: string;
    tags: string[];
    birthYear: number | null;
    gender: string | null;
    acceptsMarketing: boolean;
    createdAt: Date;
  }[];
  orders: {
    externalId: string;
    name: string;
    customerExternalId: string;
    processedAt: Date;
    currency: string;
    country: string;
    totalPrice: number;
    lines: { productExternalId: string; variantExternalId: string; title: string; quantity: number; price: number }[];
  }[];
  events: {
    kind: "VIEW" | "ADD_TO_CART" | "WISHLIST_ADD" | "REVIEW";
    customerExternalId: string;
    productExternalId: string;
    occurredAt: Date;
    rating?: number;
  }[];
}

const BATCH = 2_000;

async function insertInBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>) {
  for (let start = 0; start < rows.length; start += BATCH) await insert(rows.slice(start, start + BATCH));
}

type Snapshot<K extends keyof StoreSnapshot> = StoreSnapshot[K][number];

/** Writes collections, products, variants and collection memberships; returns the new row ids by source key. */
async function importCatalogue(db: PrismaClient, shopId: string, store: StoreSnapshot) {
  const collectionIds = new Map(store.collections.map((c) => [c.handle, randomUUID()]));
  await db.collection.createMany({
    data: store.collections.map((c) => ({
      id: collectionIds.get(c.handle)!,
      shopId,
      externalId: c.externalId,
      handle: c.handle,
      title: c.title,
    })),
    skipDuplicates: true,
  });

  const productIds = new Map(store.products.map((p) => [p.externalId, randomUUID()]));
  await insertInBatches(store.products, (batch) =>
    db.product.createMany({ data: batch.map((p) => productRow(shopId, productIds.get(p.externalId)!, p)), skipDuplicates: true }),
  );
  await insertInBatches(
    store.products.flatMap((p) => p.variants.map((v) => ({ ...v, productId: productIds.get(p.externalId)! }))),
    (batch) =>
      db.variant.createMany({
        data: batch.map((v) => ({
          shopId,
          productId: v.productId,
          externalId: v.externalId,
          title: v.title,
          sku: v.sku,
          price: v.price,
          available: v.available,
          inventoryQuantity: v.inventory,
        })),
        skipDuplicates: true,
      }),
  );
  await db.productCollection.createMany({
    data: store.products.flatMap((p) =>
      p.collectionHandles
        .filter((handle) => collectionIds.has(handle))
        .map((handle) => ({ productId: productIds.get(p.externalId)!, collectionId: collectionIds.get(handle)! })),
    ),
    skipDuplicates: true,
  });
  return productIds;
}

function productRow(shopId: string, id: string, p: Snapshot<"products">): Prisma.ProductCreateManyInput {
  return {
    id,
    shopId,
    externalId: p.externalId,
    handle: p.handle,
    title: p.title,
    description: p.description,
    productType: p.productType,
    vendor: p.vendor,
    tags: p.tags,
    imageUrl: p.imageUrl,
    imageAlt: p.title,
    priceMin: Math.min(p.price, ...p.variants.map((v) => v.price)),
    priceMax: Math.max(p.price, ...p.variants.map((v) => v.price)),
    compareAtPrice: p.compareAtPrice,
    available: p.available,
    totalInventory: p.inventory,
    publishedAt: p.createdAt,
    sourceCreatedAt: p.createdAt,
    sourceUpdatedAt: p.createdAt,
  };
}

/** Writes the customers; returns the new row ids by source id. */
async function importCustomers(db: PrismaClient, shopId: string, store: StoreSnapshot) {
  const customerIds = new Map(store.customers.map((c) => [c.externalId, randomUUID()]));
  await insertInBatches(store.customers, (batch) =>
    db.customer.createMany({
      data: batch.map((c) => ({
        id: customerIds.get(c.externalId)!,
        shopId,
        externalId: c.externalId,
        email: c.email,
        firstName: c.firstName,
        lastName: c.lastName,
        country: c.country,
        province: c.province,
        city: c.city,
        tags: c.tags,
        birthYear: c.birthYear,
        gender: c.gender,
        acceptsMarketing: c.acceptsMarketing,
        sourceCreatedAt: c.createdAt,
        sourceUpdatedAt: c.createdAt,
      })),
      skipDuplicates: true,
    }),
  );
  return customerIds;
}

interface SnapshotIds {
  productIds: Map<string, string>;
  customerIds: Map<string, string>;
}

/** Writes orders and their lines batch by batch, reporting progress from 0.2 to 0.7; returns the new order ids. */
async function importOrders(
  db: PrismaClient,
  shopId: string,
  store: StoreSnapshot,
  source: DataSource,
  { productIds, customerIds }: SnapshotIds,
  onProgress: (fraction: number, message: string) => void,
) {
  const orderIds = new Map(store.orders.map((o) => [o.externalId, randomUUID()]));
  let ordersLoaded = 0;
  await insertInBatches(store.orders, async (batch) => {
    await db.order.createMany({
      data: batch.map((o) => ({
        id: orderIds.get(o.externalId)!,
        shopId,
        externalId: o.externalId,
        name: o.name,
        customerId: customerIds.get(o.customerExternalId) ?? null,
        currency: o.currency,
        totalPrice: o.totalPrice,
        financialStatus: "paid",
        country: o.country,
        processedAt: o.processedAt,
        sourceUpdatedAt: o.processedAt,
        source,
      })),
      skipDuplicates: true,
    });
    await db.orderLine.createMany({
      data: batch.flatMap((o) =>
        o.lines.map((line, index) => ({
          shopId,
          orderId: orderIds.get(o.externalId)!,
          externalId: `${o.externalId}-${index + 1}`,
          productId: productIds.get(line.productExternalId) ?? null,
          productExternalId: line.productExternalId,
          variantExternalId: line.variantExternalId,
          title: line.title,
          quantity: line.quantity,
          price: line.price,
        })),
      ),
      skipDuplicates: true,
    });
    ordersLoaded += batch.length;
    onProgress(0.2 + (0.5 * ordersLoaded) / store.orders.length, `${ordersLoaded} orders`);
  });
  return orderIds;
}

/** One purchase interaction per order line, then one per event, each with a dedupe key stable across imports. */
function snapshotInteractions(
  shopId: string,
  store: StoreSnapshot,
  source: DataSource,
  { productIds, customerIds }: SnapshotIds,
  orderIds: Map<string, string>,
) {
  const interactions: Prisma.InteractionCreateManyInput[] = [];
  for (const order of store.orders) {
    order.lines.forEach((line, index) => {
      interactions.push({
        shopId,
        kind: "PURCHASE",
        customerId: customerIds.get(order.customerExternalId) ?? null,
        productId: productIds.get(line.productExternalId) ?? null,
        quantity: line.quantity,
        orderId: orderIds.get(order.externalId),
        occurredAt: order.processedAt,
        source,
        dedupeKey: `order:${order.externalId}:line:${index + 1}`,
      });
    });
  }
  store.events.forEach((event, index) => {
    interactions.push({
      shopId,
      kind: event.kind satisfies InteractionKind,
      customerId: customerIds.get(event.customerExternalId) ?? null,
      productId: productIds.get(event.productExternalId) ?? null,
      rating: event.rating ?? null,
      occurredAt: event.occurredAt,
      source,
      dedupeKey: `${source.toLowerCase()}:${event.kind.toLowerCase()}:${event.customerExternalId}:${event.productExternalId}:${event.occurredAt.getTime()}:${index}`,
    });
  });
  return interactions;
}

/**
 * Loads a snapshot into an empty shop: catalogue, customers, orders and one interaction per
 * order line and event. Rows keep their source ids, and interactions carry dedupe keys, so a
 * repeated import inserts nothing twice.
 */
export async function importStoreSnapshot(
  db: PrismaClient,
  shopId: string,
  store: StoreSnapshot,
  source: DataSource,
  onProgress: (fraction: number, message: string) => void = () => {},
) {
  const productIds = await importCatalogue(db, shopId, store);
  onProgress(0.1, `${store.products.length} products`);

  const customerIds = await importCustomers(db, shopId, store);
  onProgress(0.2, `${store.customers.length} customers`);

  const ids = { productIds, customerIds };
  const orderIds = await importOrders(db, shopId, store, source, ids, onProgress);

  const interactions = snapshotInteractions(shopId, store, source, ids, orderIds);
  await appendInteractions(db, interactions);
  onProgress(1, `${interactions.length} interactions`);

  return {
    products: store.products.length,
    customers: store.customers.length,
    orders: store.orders.length,
    interactions: interactions.length,
  };
}
