import type { DataSource, Prisma, PrismaClient } from "@prisma/client";
import { appendInteractions } from "../interactions.server";
import { linkCheckoutVisitor } from "../visitors.server";
import { attributeOrder } from "../measurement.server";
import { customerRowIds } from "../placeholders.server";
import {
  htmlToText,
  splitTags,
  type CustomerPayload,
  type InventoryLevelPayload,
  type OrderPayload,
  type ProductPayload,
  type RefundPayload,
} from "./shopify-payloads";

type Db = PrismaClient | Prisma.TransactionClient;

/** True when a stored row is newer than the payload: an older delivery arriving late changes nothing. */
function isStale(stored: Date | null | undefined, incoming: Date | null | undefined): boolean {
  return Boolean(stored && incoming && stored > incoming);
}

export async function upsertShopifyCustomer(db: Db, shopId: string, customer: CustomerPayload): Promise<string> {
  const existing = await db.customer.findUnique({ where: { shopId_externalId: { shopId, externalId: customer.id } } });
  if (existing && isStale(existing.sourceUpdatedAt, customer.updated_at)) return existing.id;
  const data = {
    email: customer.email?.trim().toLowerCase() || null,
    firstName: customer.first_name ?? null,
    lastName: customer.last_name ?? null,
    country: customer.default_address?.country_code ?? null,
    province: customer.default_address?.province_code ?? null,
    city: customer.default_address?.city ?? null,
    tags: splitTags(customer.tags),
    acceptsMarketing: customer.email_marketing_consent?.state === "subscribed",
    sourceCreatedAt: customer.created_at ?? null,
    sourceUpdatedAt: customer.updated_at ?? null,
  };
  const saved = await db.customer.upsert({
    where: { shopId_externalId: { shopId, externalId: customer.id } },
    create: { shopId, externalId: customer.id, ...data },
    update: data,
  });
  return saved.id;
}

async function linkCustomer(db: Db, shopId: string, externalId: string): Promise<string> {
  return (await customerRowIds(db, shopId, [externalId])).get(externalId)!;
}

export async function upsertShopifyProduct(db: Db, shopId: string, product: ProductPayload): Promise<void> {
  const existing = await db.product.findUnique({ where: { shopId_externalId: { shopId, externalId: product.id } } });
  if (existing && isStale(existing.sourceUpdatedAt, product.updated_at)) return;
  const prices = product.variants.map((variant) => variant.price);
  const compareAt = product.variants.map((variant) => variant.compare_at_price).filter((price): price is number => price !== null);
  const inventory = product.variants
    .map((variant) => variant.inventory_quantity)
    .filter((quantity): quantity is number => quantity !== null && quantity !== undefined);
  const data = {
    title: product.title,
    handle: product.handle ?? null,
    description: htmlToText(product.body_html),
    productType: product.product_type ?? "",
    vendor: product.vendor ?? "",
    tags: splitTags(product.tags),
    status: (product.status?.toUpperCase() ?? "ACTIVE") as "ACTIVE" | "DRAFT" | "ARCHIVED",
    imageUrl: product.image?.src ?? null,
    imageAlt: product.image?.alt ?? null,
    priceMin: prices.length ? Math.min(...prices) : 0,
    priceMax: prices.length ? Math.max(...prices) : 0,
    compareAtPrice: compareAt.length ? Math.max(...compareAt) : null,
    totalInventory: inventory.length ? inventory.reduce((sum, quantity) => sum + quantity, 0) : null,
    // Without inventory tracking Shopify reports no quantity: then the product is available.
    available: inventory.length ? inventory.some((quantity) => quantity > 0) : true,
    publishedAt: product.published_at ?? null,
    deletedAt: null,
    sourceCreatedAt: product.created_at ?? null,
    sourceUpdatedAt: product.updated_at ?? null,
  };
  const saved = await db.product.upsert({
    where: { shopId_externalId: { shopId, externalId: product.id } },
    create: { shopId, externalId: product.id, ...data },
    update: data,
  });
  for (const variant of product.variants) {
    const variantData = {
      title: variant.title ?? "",
      sku: variant.sku ?? null,
      price: variant.price,
      compareAtPrice: variant.compare_at_price,
      inventoryQuantity: variant.inventory_quantity ?? null,
      available: variant.inventory_quantity === null || variant.inventory_quantity === undefined || variant.inventory_quantity > 0,
      inventoryItemId: variant.inventory_item_id ?? null,
      sourceUpdatedAt: product.updated_at ?? null,
    };
    await db.variant.upsert({
      where: { shopId_externalId: { shopId, externalId: variant.id } },
      create: { shopId, productId: saved.id, externalId: variant.id, ...variantData },
      update: variantData,
    });
  }
  // Order lines that arrived before their product now point to it.
  await db.orderLine.updateMany({ where: { shopId, productExternalId: product.id, productId: null }, data: { productId: saved.id } });
}

export async function deleteShopifyProduct(db: Db, shopId: string, externalId: string): Promise<void> {
  await db.product.updateMany({ where: { shopId, externalId }, data: { deletedAt: new Date(), available: false } });
}

/** The product an order line refers to, created as a placeholder if its own webhook has not arrived. */
async function productIdFor(db: Db, shopId: string, externalId: string, title: string, price: number): Promise<string> {
  const product = await db.product.upsert({
    where: { shopId_externalId: { shopId, externalId } },
    create: { shopId, externalId, title, priceMin: price, priceMax: price },
    update: {},
    select: { id: true },
  });
  return product.id;
}

/**
 * Creates or updates an order, its lines and one purchase interaction per line. A cancelled
 * order adds a refund interaction per line, so that the purchase no longer counts. Test
 * orders and gift cards are left out of the interactions.
 */
export async function upsertShopifyOrder(
  db: Db,
  shopId: string,
  order: OrderPayload,
  options: { source?: DataSource; customerIdOnly?: boolean } = {},
): Promise<void> {
  const source = options.source ?? "SHOPIFY_WEBHOOK";
  const existing = await db.order.findUnique({ where: { shopId_externalId: { shopId, externalId: order.id } } });
  if (existing && isStale(existing.sourceUpdatedAt, order.updated_at)) return;
  // A backfilled order names its customer by id only; the customer's own record fills the rest.
  const customerId = !order.customer
    ? null
    : options.customerIdOnly
      ? await linkCustomer(db, shopId, order.customer.id)
      : await upsertShopifyCustomer(db, shopId, order.customer);
  const processedAt = order.processed_at ?? order.created_at;
  const data = {
    name: order.name ?? null,
    customerId,
    currency: order.currency ?? "USD",
    totalPrice: order.total_price ?? order.line_items.reduce((sum, line) => sum + line.price * line.quantity, 0),
    financialStatus: order.financial_status ?? null,
    country: order.billing_address?.country_code ?? null,
    test: order.test ?? false,
    cancelledAt: order.cancelled_at ?? null,
    checkoutToken: order.checkout_token ?? null,
    processedAt,
    sourceUpdatedAt: order.updated_at ?? null,
  };
  const saved = await db.order.upsert({
    where: { shopId_externalId: { shopId, externalId: order.id } },
    create: { shopId, externalId: order.id, source, ...data },
    update: data,
  });

  const interactions: Prisma.InteractionCreateManyInput[] = [];
  for (const line of order.line_items) {
    const productId = line.product_id ? await productIdFor(db, shopId, line.product_id, line.title ?? line.product_id, line.price) : null;
    await db.orderLine.upsert({
      where: { orderId_externalId: { orderId: saved.id, externalId: line.id } },
      create: {
        shopId,
        orderId: saved.id,
        externalId: line.id,
        productId,
        productExternalId: line.product_id ?? null,
        variantExternalId: line.variant_id ?? null,
        title: line.title ?? "",
        quantity: line.quantity,
        price: line.price,
      },
      update: { quantity: line.quantity, price: line.price, title: line.title ?? "" },
    });
    if (!productId || data.test || line.gift_card || line.quantity <= 0 || line.price <= 0) continue;
    const base = { shopId, customerId, productId, quantity: line.quantity, orderId: saved.id, source };
    interactions.push({ ...base, kind: "PURCHASE", occurredAt: processedAt, dedupeKey: `shopify:order:${order.id}:line:${line.id}` });
    if (order.cancelled_at) {
      interactions.push({
        ...base,
        kind: "REFUND",
        occurredAt: order.cancelled_at,
        dedupeKey: `shopify:order:${order.id}:cancel:${line.id}`,
      });
    }
  }
  await appendInteractions(db as PrismaClient, interactions);
  await linkCheckoutVisitor(db, shopId, data.checkoutToken, customerId);
  // A live order may follow a recommendation its shopper clicked; history cannot.
  if (source === "SHOPIFY_WEBHOOK") await attributeOrder(db, shopId, saved.id);
}

export class NotYetStoredError extends Error {}

/**
 * A refund subtracts what was returned: refund interactions per returned line, and the
 * line's refunded quantity. A refund that arrives before its order fails and is retried
 * (by the job, then by the sweeper) until the order is there.
 */
export async function upsertShopifyRefund(
  db: Db,
  shopId: string,
  refund: RefundPayload,
  source: DataSource = "SHOPIFY_WEBHOOK",
): Promise<void> {
  const order = await db.order.findUnique({
    where: { shopId_externalId: { shopId, externalId: refund.order_id } },
    include: { lines: true },
  });
  if (!order) throw new NotYetStoredError(`order ${refund.order_id} of refund ${refund.id} is not stored yet; will retry`);
  const lines = refund.refund_line_items.map((line) => ({
    lineExternalId: line.line_item_id,
    quantity: line.quantity,
    subtotal: line.subtotal ?? 0,
  }));
  const existing = await db.refund.findUnique({ where: { shopId_externalId: { shopId, externalId: refund.id } } });
  if (existing) return;
  await db.refund.create({
    data: {
      shopId,
      orderId: order.id,
      externalId: refund.id,
      lines,
      amount: lines.reduce((sum, line) => sum + line.subtotal, 0),
      refundedAt: refund.created_at,
    },
  });
  const interactions: Prisma.InteractionCreateManyInput[] = [];
  for (const refunded of refund.refund_line_items) {
    const line = order.lines.find((candidate) => candidate.externalId === refunded.line_item_id);
    if (!line) continue;
    await db.orderLine.update({ where: { id: line.id }, data: { refundedQuantity: { increment: refunded.quantity } } });
    if (!line.productId || refunded.quantity <= 0) continue;
    interactions.push({
      shopId,
      kind: "REFUND",
      customerId: order.customerId,
      productId: line.productId,
      quantity: refunded.quantity,
      orderId: order.id,
      occurredAt: refund.created_at,
      source,
      dedupeKey: `shopify:refund:${refund.id}:line:${refunded.id}`,
    });
  }
  await appendInteractions(db as PrismaClient, interactions);
}

/**
 * Stock at a location changed. Quantities are kept per variant (the sum Shopify reports for a
 * single-location store); a product is available while any of its variants is.
 */
export async function applyInventoryLevel(db: Db, shopId: string, level: InventoryLevelPayload): Promise<void> {
  const variants = await db.variant.findMany({ where: { shopId, inventoryItemId: level.inventory_item_id } });
  for (const variant of variants) {
    if (isStale(variant.sourceUpdatedAt, level.updated_at)) continue;
    const quantity = level.available ?? null;
    await db.variant.update({
      where: { id: variant.id },
      data: {
        inventoryQuantity: quantity,
        available: quantity === null || quantity > 0,
        sourceUpdatedAt: level.updated_at ?? variant.sourceUpdatedAt,
      },
    });
    const siblings = await db.variant.findMany({
      where: { productId: variant.productId },
      select: { available: true, inventoryQuantity: true },
    });
    await db.product.update({
      where: { id: variant.productId },
      data: {
        available: siblings.some((sibling) => sibling.available),
        totalInventory: siblings.reduce((sum, sibling) => sum + (sibling.inventoryQuantity ?? 0), 0),
      },
    });
  }
}
