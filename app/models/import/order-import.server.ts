import fs from "node:fs";
import path from "node:path";
import type { Prisma, PrismaClient } from "@prisma/client";
import { parse } from "csv-parse";
import { appendInteractions } from "../interactions.server";
import { cleanRow, ImportFormatError, normaliseHeader, type CleanLine, type SkipReason } from "./order-rows";

type Tx = Prisma.TransactionClient;

/** Lines written per round trip; a batch always ends at an order boundary. */
const BATCH_LINES = 2_000;
/** A file is one transaction; a large one may take minutes on the embedded database. */
const FILE_TIMEOUT_MS = 30 * 60_000;

export interface ImportSummary {
  file: string;
  rowsRead: number;
  /** Order lines and returns stored by this run (0 when the file was imported before). */
  imported: number;
  orders: number;
  returns: number;
  skipped: Partial<Record<SkipReason, number>>;
}

export interface ImportOptions {
  map?: Map<string, string>;
  onProgress?: (rowsRead: number) => void;
}

/**
 * Imports one order CSV in a single transaction: a file that fails to parse anywhere imports
 * nothing, and the error names the file, line and column. Rows stream through in batches, so
 * memory stays bounded by the batch and the catalogue, not the file.
 */
export async function importOrderFile(db: PrismaClient, shopId: string, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  // Files imported side by side may wait on each other's new products and customers; when
  // PostgreSQL breaks such a deadlock, the file it chose is imported again from the start.
  for (let attempt = 1; ; attempt++) {
    try {
      return await importOrderFileOnce(db, shopId, file, options);
    } catch (error) {
      if (attempt >= DEADLOCK_RETRIES || !isDeadlock(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}

const DEADLOCK_RETRIES = 5;
function isDeadlock(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === "P2034" || /deadlock detected|40P01/.test(message ?? "");
}

async function importOrderFileOnce(db: PrismaClient, shopId: string, file: string, options: ImportOptions): Promise<ImportSummary> {
  const name = path.basename(file);
  const summary: ImportSummary = { file: name, rowsRead: 0, imported: 0, orders: 0, returns: 0, skipped: {} };
  const skip = (reason: SkipReason) => (summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1);

  await db.$transaction(
    async (tx) => {
      const ids = new IdCache(tx, shopId);
      const parser = fs.createReadStream(file).pipe(
        parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true }),
      );
      let header: string[] | null = null;
      let batch: CleanLine[] = [];
      let writing: Promise<void> = Promise.resolve();
      let currentOrder = "";
      const seenInOrder = new Set<string>();
      try {
        for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
          if (!header) {
            header = normaliseHeader(name, record, options.map ?? new Map());
            continue;
          }
          summary.rowsRead++;
          if (record.length !== header.length) {
            throw new ImportFormatError(name, info.lines, null, `expected ${header.length} columns, found ${record.length}`);
          }
          const row = Object.fromEntries(header.map((column, index) => [column, record[index]]));
          const line = cleanRow(name, info.lines, row);
          if ("skip" in line) {
            skip(line.skip);
            continue;
          }
          if (line.orderId !== currentOrder) {
            if (batch.length >= BATCH_LINES) {
              // Parsing the next batch overlaps with the database writing this one.
              await writing;
              writing = writeBatch(tx, shopId, ids, batch, summary);
              writing.catch(() => {});
              batch = [];
            }
            currentOrder = line.orderId;
            seenInOrder.clear();
          }
          const key = record.join("\u0001");
          if (seenInOrder.has(key)) {
            skip("duplicate row");
            continue;
          }
          seenInOrder.add(key);
          batch.push(line);
          if (summary.rowsRead % 10_000 === 0) options.onProgress?.(summary.rowsRead);
        }
      } catch (error) {
        // The transaction is rolled back once the write in flight has stopped.
        await writing.catch(() => {});
        const csvError = error as { code?: string; lines?: number; message: string };
        if (csvError.code?.startsWith("CSV_")) {
          throw new ImportFormatError(name, csvError.lines ?? 0, null, `not valid CSV: ${csvError.message}`);
        }
        throw error;
      }
      await writing;
      if (!header) throw new ImportFormatError(name, 1, null, "the file is empty; expected a header row");
      if (batch.length) await writeBatch(tx, shopId, ids, batch, summary);
      options.onProgress?.(summary.rowsRead);
    },
    { timeout: FILE_TIMEOUT_MS, maxWait: 60_000 },
  );
  return summary;
}

/** Row ids by external id: one array parameter, where a Prisma `in` filter would send one per id. */
async function idsOf(tx: Tx, table: "Product" | "Customer" | "Order", shopId: string, externalIds: string[]) {
  if (!externalIds.length) return [];
  return tx.$queryRawUnsafe<{ id: string; externalId: string }[]>(
    `SELECT "id", "externalId" FROM "${table}" WHERE "shopId" = $1 AND "externalId" = ANY($2::text[])`,
    shopId,
    externalIds,
  );
}

/** External ids to row ids for products and customers, created on first sight. */
class IdCache {
  readonly products = new Map<string, string>();
  readonly customers = new Map<string, string>();
  constructor(
    private readonly tx: Tx,
    private readonly shopId: string,
  ) {}

  async ensureProducts(lines: CleanLine[]) {
    const fresh = new Map<string, CleanLine>();
    for (const line of lines) if (!this.products.has(line.productId) && !fresh.has(line.productId)) fresh.set(line.productId, line);
    if (!fresh.size) return;
    const rows = [...fresh.values()];
    await this.tx.$executeRaw`
      INSERT INTO "Product" ("id", "shopId", "externalId", "title", "description", "productType", "vendor", "tags", "priceMin", "priceMax", "updatedAt")
      SELECT gen_random_uuid()::text, ${this.shopId}, p.external_id, p.title, p.description, p.product_type, p.vendor,
             string_to_array(p.tags, '|'), p.price, p.price, now()
      FROM unnest(${rows.map((r) => r.productId)}::text[], ${rows.map((r) => r.title ?? r.productId)}::text[],
                  ${rows.map((r) => r.description ?? "")}::text[], ${rows.map((r) => r.productType ?? "")}::text[],
                  ${rows.map((r) => r.vendor ?? "")}::text[], ${rows.map((r) => r.tags.join("|"))}::text[],
                  ${rows.map((r) => r.price)}::numeric[])
        AS p(external_id, title, description, product_type, vendor, tags, price)
      ON CONFLICT ("shopId", "externalId") DO NOTHING`;
    for (const product of await idsOf(this.tx, "Product", this.shopId, [...fresh.keys()])) this.products.set(product.externalId, product.id);
  }

  async ensureCustomers(lines: CleanLine[]) {
    const fresh = new Map<string, string | null>();
    for (const line of lines) {
      if (line.customerId && !this.customers.has(line.customerId)) fresh.set(line.customerId, line.country);
    }
    if (!fresh.size) return;
    await this.tx.$executeRaw`
      INSERT INTO "Customer" ("id", "shopId", "externalId", "country", "updatedAt")
      SELECT gen_random_uuid()::text, ${this.shopId}, c.external_id, c.country, now()
      FROM unnest(${[...fresh.keys()]}::text[], ${[...fresh.values()]}::text[]) AS c(external_id, country)
      ON CONFLICT ("shopId", "externalId") DO NOTHING`;
    for (const customer of await idsOf(this.tx, "Customer", this.shopId, [...fresh.keys()])) this.customers.set(customer.externalId, customer.id);
  }
}

async function writeBatch(tx: Tx, shopId: string, ids: IdCache, lines: CleanLine[], summary: ImportSummary) {
  await ids.ensureProducts(lines);
  await ids.ensureCustomers(lines);

  // A line's id within its order: the product, numbered when the order has it more than once.
  const occurrences = new Map<string, number>();
  const keyed = lines.map((line) => {
    const base = `${line.orderId}:${line.productId}:${line.quantity < 0 ? "return" : "sale"}`;
    const n = (occurrences.get(base) ?? 0) + 1;
    occurrences.set(base, n);
    return { line, lineKey: n === 1 ? line.productId : `${line.productId}#${n}` };
  });
  const sales = keyed.filter(({ line }) => line.quantity > 0);
  const returns = keyed.filter(({ line }) => line.quantity < 0);

  const orders = new Map<string, { line: CleanLine; total: number }>();
  for (const { line } of sales) {
    const order = orders.get(line.orderId);
    if (order) order.total += line.price * line.quantity;
    else orders.set(line.orderId, { line, total: line.price * line.quantity });
  }
  const orderRows = [...orders.values()];
  summary.orders += Number(
    await tx.$executeRaw`
      INSERT INTO "Order" ("id", "shopId", "externalId", "name", "customerId", "currency", "totalPrice", "country", "processedAt", "source", "updatedAt")
      SELECT gen_random_uuid()::text, ${shopId}, o.external_id, o.external_id, o.customer_id, o.currency, o.total, o.country, o.processed_at, 'IMPORT', now()
      FROM unnest(${orderRows.map((o) => o.line.orderId)}::text[],
                  ${orderRows.map((o) => (o.line.customerId ? ids.customers.get(o.line.customerId)! : null))}::text[],
                  ${orderRows.map((o) => o.line.currency ?? "USD")}::text[], ${orderRows.map((o) => Math.round(o.total * 100) / 100)}::numeric[],
                  ${orderRows.map((o) => o.line.country)}::text[], ${orderRows.map((o) => o.line.createdAt)}::timestamp(3)[])
        AS o(external_id, customer_id, currency, total, country, processed_at)
      ON CONFLICT ("shopId", "externalId") DO NOTHING`,
  );
  const orderIds = new Map((await idsOf(tx, "Order", shopId, [...orders.keys()])).map((order) => [order.externalId, order.id]));

  await tx.$executeRaw`
    INSERT INTO "OrderLine" ("id", "shopId", "orderId", "externalId", "productId", "productExternalId", "title", "quantity", "price")
    SELECT gen_random_uuid()::text, ${shopId}, l.order_id, l.external_id, l.product_id, l.product_external_id, l.title, l.quantity, l.price
    FROM unnest(${sales.map(({ line }) => orderIds.get(line.orderId)!)}::text[], ${sales.map(({ lineKey }) => lineKey)}::text[],
                ${sales.map(({ line }) => ids.products.get(line.productId)!)}::text[], ${sales.map(({ line }) => line.productId)}::text[],
                ${sales.map(({ line }) => line.title ?? "")}::text[], ${sales.map(({ line }) => line.quantity)}::int[],
                ${sales.map(({ line }) => line.price)}::numeric[])
      AS l(order_id, external_id, product_id, product_external_id, title, quantity, price)
    ON CONFLICT ("orderId", "externalId") DO NOTHING`;

  const interactions: Prisma.InteractionCreateManyInput[] = keyed.map(({ line, lineKey }) => ({
    shopId,
    kind: line.quantity > 0 ? "PURCHASE" : "REFUND",
    customerId: line.customerId ? ids.customers.get(line.customerId)! : null,
    productId: ids.products.get(line.productId)!,
    quantity: Math.abs(line.quantity),
    orderId: line.quantity > 0 ? orderIds.get(line.orderId)! : null,
    occurredAt: line.createdAt,
    source: "IMPORT",
    dedupeKey: `import:${line.orderId}:${line.quantity > 0 ? "" : "return:"}${lineKey}`,
  }));
  summary.imported += await appendInteractions(tx as PrismaClient, interactions);
  summary.returns += returns.length;
}
