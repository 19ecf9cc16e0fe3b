import type { PrismaClient } from "@prisma/client";
import type { AdminApi } from "../../shopify/admin-api.server";
import { upsertShopifyCustomer, upsertShopifyOrder, upsertShopifyProduct, upsertShopifyRefund } from "../ingest/shopify.server";
import { customerPayload, orderPayload, productPayload, refundPayload } from "../ingest/shopify-payloads";
import { bulkRecords, gidType, jsonlLines, legacyId, type BulkRecord } from "./jsonl";
import { BULK_OPERATION_RUN, BULK_OPERATION_STATUS, CUSTOMERS_QUERY, ordersQuery, PRODUCTS_QUERY, type BulkOperation } from "./queries";

/**
 * The history backfill: one bulk operation per stage (products, then customers, then orders,
 * so that order lines find their products), each result streamed line by line and upserted
 * with the same code as the webhooks. Where it got to is saved after every batch, so a run
 * that is killed resumes with the same bulk operation and skips what it already stored.
 */
const BACKFILL_STAGES = ["products", "customers", "orders"] as const;
export type BackfillStage = (typeof BACKFILL_STAGES)[number];

/** Root objects stored between two checkpoints. */
const BACKFILL_BATCH = 100;
const STAGE_WEIGHT: Record<BackfillStage, [number, number]> = { products: [0, 0.2], customers: [0.2, 0.35], orders: [0.35, 1] };

export interface BackfillCheckpoint {
  done: BackfillStage[];
  stage: BackfillStage | null;
  operationId: string | null;
  /** Root objects of the current stage already stored. */
  recordsDone: number;
  counts: Record<BackfillStage, number>;
  /** Root objects skipped on resume because an earlier attempt had stored them. */
  resumedRecords: number;
}

export interface BackfillOptions {
  /** Orders of the last `months` months (the shop's history window). */
  months: number;
  pollIntervalMs: number;
  /** Where an earlier attempt got to. */
  saved?: unknown;
  checkpoint(value: BackfillCheckpoint): Promise<void>;
  progress(fraction: number, message: string): Promise<void>;
  now?: Date;
}

class BackfillError extends Error {}

function startingPoint(saved: unknown): BackfillCheckpoint {
  const fresh: BackfillCheckpoint = {
    done: [],
    stage: null,
    operationId: null,
    recordsDone: 0,
    counts: { products: 0, customers: 0, orders: 0 },
    resumedRecords: 0,
  };
  if (!saved || typeof saved !== "object" || !Array.isArray((saved as BackfillCheckpoint).done)) return fresh;
  return { ...fresh, ...(saved as BackfillCheckpoint) };
}

export async function runBackfill(
  db: PrismaClient,
  shopId: string,
  admin: AdminApi,
  options: BackfillOptions,
): Promise<BackfillCheckpoint> {
  const state = startingPoint(options.saved);
  const since = new Date(options.now ?? new Date());
  since.setUTCMonth(since.getUTCMonth() - options.months);

  for (const stage of BACKFILL_STAGES) {
    if (state.done.includes(stage)) continue;
    const [from, to] = STAGE_WEIGHT[stage];
    const resuming = state.stage === stage && state.operationId !== null;
    const query = stage === "products" ? PRODUCTS_QUERY : stage === "customers" ? CUSTOMERS_QUERY : ordersQuery(since);
    if (!resuming) {
      Object.assign(state, { stage, operationId: await startBulkOperation(admin, query), recordsDone: 0 });
      await options.checkpoint(state);
    }
    await options.progress(from, `${stage}: waiting for Shopify to prepare the export`);
    let operation = await waitForBulkOperation(admin, state.operationId!, options.pollIntervalMs);
    if (operation.status === "EXPIRED") {
      // Results are kept for seven days; a resume after that asks for them again.
      Object.assign(state, { operationId: await startBulkOperation(admin, query), recordsDone: 0 });
      await options.checkpoint(state);
      operation = await waitForBulkOperation(admin, state.operationId!, options.pollIntervalMs);
    }
    if (operation.status !== "COMPLETED") {
      throw new BackfillError(`the ${stage} export ended ${operation.status}${operation.errorCode ? ` (${operation.errorCode})` : ""}`);
    }

    const total = Number(operation.rootObjectCount) || 0;
    const skip = state.recordsDone;
    state.resumedRecords += skip;
    let seen = 0;
    if (operation.url) {
      for await (const record of bulkRecords(jsonlLines(operation.url))) {
        if (seen++ < skip) continue;
        await storeRecord(db, shopId, stage, record);
        state.recordsDone++;
        state.counts[stage]++;
        if (state.recordsDone % BACKFILL_BATCH === 0) {
          await options.checkpoint(state);
          const share = total ? Math.min(1, state.recordsDone / total) : 0;
          await options.progress(from + (to - from) * share, `${stage}: ${state.recordsDone} of ${total}`);
        }
      }
    }
    Object.assign(state, { done: [...state.done, stage], stage: null, operationId: null, recordsDone: 0 });
    await options.checkpoint(state);
    await options.progress(to, `${stage}: ${state.counts[stage]} stored`);
  }
  return state;
}

async function startBulkOperation(admin: AdminApi, query: string): Promise<string> {
  const data = await admin.request<{
    bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: { code: string | null; message: string }[] };
  }>(BULK_OPERATION_RUN, { query });
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  if (!bulkOperation) {
    throw new BackfillError(
      `Shopify refused the bulk export: ${userErrors.map((error) => `${error.message}${error.code ? ` (${error.code})` : ""}`).join("; ")}`,
    );
  }
  return bulkOperation.id;
}

async function waitForBulkOperation(admin: AdminApi, id: string, pollIntervalMs: number): Promise<BulkOperation> {
  for (;;) {
    const { node } = await admin.request<{ node: BulkOperation | null }>(BULK_OPERATION_STATUS, { id });
    if (!node) throw new BackfillError(`bulk operation ${id} is unknown to Shopify`);
    if (node.status !== "CREATED" && node.status !== "RUNNING" && node.status !== "CANCELING") return node;
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

// ------------------------------------------------------------------ records → domain rows
// Each record is turned into the REST payload shape the webhooks deliver and stored by the
// same upserts, so cleaning and deduplication are the same for both sources.

type Node = Record<string, any>;

async function storeRecord(db: PrismaClient, shopId: string, stage: BackfillStage, record: BulkRecord) {
  if (stage === "products") return storeProduct(db, shopId, record);
  if (stage === "customers") return storeCustomer(db, shopId, record.node as Node);
  return storeOrder(db, shopId, record);
}

async function storeProduct(db: PrismaClient, shopId: string, record: BulkRecord) {
  const node = record.node as Node;
  const children = record.children;
  const variants = children.filter((child) => gidType(child.id) === "ProductVariant") as Node[];
  const collections = children.filter((child) => gidType(child.id) === "Collection") as Node[];
  const image = node.featuredMedia?.preview?.image;
  const product = productPayload.parse({
    id: legacyId(node.id),
    title: node.title,
    body_html: node.description ?? "",
    vendor: node.vendor,
    product_type: node.productType,
    handle: node.handle,
    status: typeof node.status === "string" ? node.status.toLowerCase() : null,
    tags: Array.isArray(node.tags) ? node.tags.join(", ") : "",
    created_at: node.createdAt,
    updated_at: node.updatedAt,
    published_at: node.publishedAt,
    image: image?.url ? { src: image.url, alt: image.altText } : null,
    variants: variants.map((variant) => ({
      id: legacyId(variant.id),
      title: variant.title,
      sku: variant.sku,
      price: variant.price,
      compare_at_price: variant.compareAtPrice,
      inventory_quantity: variant.inventoryQuantity,
      inventory_item_id: variant.inventoryItem?.id ? legacyId(variant.inventoryItem.id) : null,
    })),
  });
  await upsertShopifyProduct(db, shopId, product);
  const saved = await db.product.update({
    where: { shopId_externalId: { shopId, externalId: product.id } },
    data: { isGiftCard: node.isGiftCard === true },
    select: { id: true },
  });
  for (const collection of collections) {
    const externalId = legacyId(collection.id);
    const row = await db.collection.upsert({
      where: { shopId_externalId: { shopId, externalId } },
      create: { shopId, externalId, handle: collection.handle ?? null, title: collection.title ?? externalId },
      update: { handle: collection.handle ?? null, title: collection.title ?? externalId },
      select: { id: true },
    });
    await db.productCollection.createMany({ data: [{ productId: saved.id, collectionId: row.id }], skipDuplicates: true });
  }
}

async function storeCustomer(db: PrismaClient, shopId: string, node: Node) {
  const address = node.defaultAddress;
  await upsertShopifyCustomer(
    db,
    shopId,
    customerPayload.parse({
      id: legacyId(node.id),
      first_name: node.firstName,
      last_name: node.lastName,
      tags: Array.isArray(node.tags) ? node.tags.join(", ") : "",
      created_at: node.createdAt,
      updated_at: node.updatedAt,
      default_address: address ? { country_code: address.countryCodeV2, province_code: address.provinceCode, city: address.city } : null,
    }),
  );
}

async function storeOrder(db: PrismaClient, shopId: string, record: BulkRecord) {
  const node = record.node as Node;
  const children = record.children;
  const lines = children.filter((child) => gidType(child.id) === "LineItem") as Node[];
  const order = orderPayload.parse({
    id: legacyId(node.id),
    name: node.name,
    currency: node.currencyCode,
    total_price: node.totalPriceSet?.shopMoney?.amount,
    financial_status: typeof node.displayFinancialStatus === "string" ? node.displayFinancialStatus.toLowerCase() : null,
    test: node.test,
    created_at: node.createdAt,
    processed_at: node.processedAt,
    updated_at: node.updatedAt,
    cancelled_at: node.cancelledAt,
    customer: node.customer?.id ? { id: legacyId(node.customer.id) } : null,
    billing_address: node.billingAddress ? { country_code: node.billingAddress.countryCodeV2 } : null,
    line_items: lines.map((line) => ({
      id: legacyId(line.id),
      product_id: line.product?.id ? legacyId(line.product.id) : null,
      variant_id: line.variant?.id ? legacyId(line.variant.id) : null,
      title: line.title,
      quantity: line.quantity,
      price: line.originalUnitPriceSet?.shopMoney?.amount ?? 0,
      gift_card: line.isGiftCard,
    })),
  });
  await upsertShopifyOrder(db, shopId, order, { source: "SHOPIFY_BACKFILL", customerIdOnly: true });

  // What was refunded before the backfill: quantity minus the current quantity, per line,
  // recorded as one refund dated at the order's last refund.
  const refunds = Array.isArray(node.refunds) ? (node.refunds as Node[]) : [];
  if (order.cancelled_at || refunds.length === 0) return;
  const returned = lines
    .map((line) => ({ line, quantity: Number(line.quantity) - Number(line.currentQuantity ?? line.quantity) }))
    .filter(({ quantity }) => quantity > 0);
  if (returned.length === 0) return;
  const refundedAt = refunds
    .map((refund) => String(refund.createdAt))
    .sort()
    .at(-1)!;
  await upsertShopifyRefund(
    db,
    shopId,
    refundPayload.parse({
      id: `backfill-${order.id}`,
      order_id: order.id,
      created_at: refundedAt,
      refund_line_items: returned.map(({ line, quantity }) => ({
        id: legacyId(line.id),
        line_item_id: legacyId(line.id),
        quantity,
        subtotal: quantity * Number(line.originalUnitPriceSet?.shopMoney?.amount ?? 0),
      })),
    }),
    "SHOPIFY_BACKFILL",
  );
}
