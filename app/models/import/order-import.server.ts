import fs from "node:fs";
import path from "node:path";
import { v7 as orderedUuid } from "uuid";
import type { Prisma } from "@prisma/client";
import { parse } from "csv-parse";
import type { RawDatabase, SqlRunner } from "../../db/raw.server";
import { appendInteractions } from "../interactions.server";
import { ExternalIds, rowIdsOf } from "./external-ids.server";
import { cleanRow, ImportFormatError, normaliseHeader, type CleanLine, type SkipReason } from "./order-rows";

/** Lines written per round trip; a batch always ends at an order boundary. */
const BATCH_LINES = 2_000;

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
export async function importOrderFile(db: RawDatabase, shopId: string, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
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
  return code === "40P01" || /deadlock detected/.test(message ?? "");
}

async function importOrderFileOnce(db: RawDatabase, shopId: string, file: string, options: ImportOptions): Promise<ImportSummary> {
  const name = path.basename(file);
  const summary: ImportSummary = {
    file: name,
    rowsRead: 0,
    imported: 0,
    orders: 0,
    returns: 0,
    skipped: {},
  };
  const skip = (reason: SkipReason) => (summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1);

  await db.transaction(async (sql) => {
    const ids = new ExternalIds(sql, shopId);
    const parser = openCsv(file);
    let header: string[] | null = null;
    let batch: CleanLine[] = [];
    let writing: Promise<void> = Promise.resolve();
    let currentOrder = "";
    const seenInOrder = new Set<string>();
    try {
      for await (const { record, info } of parser) {
        if (!header) {
          header = normaliseHeader(name, record, options.map ?? new Map());
          continue;
        }
        summary.rowsRead++;
        const line = lineOf(name, header, record, info.lines);
        if ("skip" in line) {
          skip(line.skip);
          continue;
        }
        if (line.orderId !== currentOrder) {
          if (batch.length >= BATCH_LINES) {
            // Parsing the next batch overlaps with the database writing this one.
            await writing;
            writing = writeBatch(sql, shopId, ids, batch, summary);
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
      throw asFormatError(name, error);
    }
    await writing;
    if (!header) throw new ImportFormatError(name, 1, null, "the file is empty; expected a header row");
    if (batch.length) await writeBatch(sql, shopId, ids, batch, summary);
    options.onProgress?.(summary.rowsRead);
  });
  return summary;
}

/** Streams the file's CSV records, each with the line number it ends on. */
function openCsv(file: string) {
  return fs.createReadStream(file).pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }),
  ) as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>;
}

/** One data row as a cleaned line or a skip reason; a row with the wrong column count fails the file. */
function lineOf(name: string, header: string[], record: string[], lineNumber: number) {
  if (record.length !== header.length) {
    throw new ImportFormatError(name, lineNumber, null, `expected ${header.length} columns, found ${record.length}`);
  }
  const row = Object.fromEntries(header.map((column, index) => [column, record[index]]));
  return cleanRow(name, lineNumber, row);
}

/** A CSV parser error becomes an ImportFormatError naming the file and line; any other error is returned as is. */
function asFormatError(name: string, error: unknown): unknown {
  const csvError = error as {
    code?: string;
    lines?: number;
    message: string;
  };
  if (csvError.code?.startsWith("CSV_")) {
    return new ImportFormatError(name, csvError.lines ?? 0, null, `not valid CSV: ${csvError.message}`);
  }
  return error;
}

interface KeyedLine {
  line: CleanLine;
  lineKey: string;
}

async function writeBatch(sql: SqlRunner, shopId: string, ids: ExternalIds, lines: CleanLine[], summary: ImportSummary) {
  await ensureCatalogue(ids, lines);

  const keyed = keyLines(lines);
  const sales = keyed.filter(({ line }) => line.quantity > 0);
  const returns = keyed.filter(({ line }) => line.quantity < 0);

  const orderIds = await insertOrders(sql, shopId, ids, sales, summary);
  await insertOrderLines(sql, shopId, ids, sales, orderIds);

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
  summary.imported += await appendInteractions(sql, interactions);
  summary.returns += returns.length;
}

/** Creates the products and customers the lines name that the shop does not have yet. */
async function ensureCatalogue(ids: ExternalIds, lines: CleanLine[]) {
  await ids.ensureProducts(
    lines.map((line) => ({
      externalId: line.productId,
      title: line.title ?? line.productId,
      description: line.description ?? "",
      productType: line.productType ?? "",
      vendor: line.vendor ?? "",
      tags: line.tags,
      price: line.price,
    })),
  );
  await ids.ensureCustomers(lines.flatMap((line) => (line.customerId ? [{ externalId: line.customerId, country: line.country }] : [])));
}

/** A line's id within its order: the product, numbered when the order has it more than once. */
function keyLines(lines: CleanLine[]): KeyedLine[] {
  const occurrences = new Map<string, number>();
  return lines.map((line) => {
    const base = `${line.orderId}:${line.productId}:${line.quantity < 0 ? "return" : "sale"}`;
    const n = (occurrences.get(base) ?? 0) + 1;
    occurrences.set(base, n);
    return {
      line,
      lineKey: n === 1 ? line.productId : `${line.productId}#${n}`,
    };
  });
}

/** Inserts one order per order id among the sales; returns the row id of every such order, new or imported before. */
async function insertOrders(sql: SqlRunner, shopId: string, ids: ExternalIds, sales: KeyedLine[], summary: ImportSummary) {
  const orders = new Map<string, { line: CleanLine; total: number }>();
  for (const { line } of sales) {
    const order = orders.get(line.orderId);
    if (order) order.total += line.price * line.quantity;
    else orders.set(line.orderId, { line, total: line.price * line.quantity });
  }
  const orderRows = [...orders.values()];
  const created = await sql.query<{ id: string; externalId: string }>(
    `INSERT INTO "Order" ("id", "shopId", "externalId", "name", "customerId", "currency", "totalPrice", "country", "processedAt", "source", "updatedAt")
     SELECT o.id, $1, o.external_id, o.external_id, o.customer_id, o.currency, o.total, o.country, o.processed_at AT TIME ZONE 'UTC', 'IMPORT', now()
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::timestamptz[])
       AS o(id, external_id, customer_id, currency, total, country, processed_at)
     ON CONFLICT ("shopId", "externalId") DO NOTHING
     RETURNING "id", "externalId"`,
    [
      shopId,
      orderRows.map(() => orderedUuid()),
      orderRows.map((o) => o.line.orderId),
      orderRows.map((o) => (o.line.customerId ? ids.customers.get(o.line.customerId)! : null)),
      orderRows.map((o) => o.line.currency ?? "USD"),
      orderRows.map((o) => Math.round(o.total * 100) / 100),
      orderRows.map((o) => o.line.country),
      orderRows.map((o) => o.line.createdAt.toISOString()),
    ],
  );
  summary.orders += created.rowCount;
  const orderIds = new Map(created.rows.map((order) => [order.externalId, order.id]));
  // Orders imported before (their lines are then skipped below, as already there).
  const known = [...orders.keys()].filter((externalId) => !orderIds.has(externalId));
  for (const order of await rowIdsOf(sql, "Order", shopId, known)) orderIds.set(order.externalId, order.id);
  return orderIds;
}

/** Inserts the sale lines; lines already there from an earlier import are left as they are. */
async function insertOrderLines(sql: SqlRunner, shopId: string, ids: ExternalIds, sales: KeyedLine[], orderIds: Map<string, string>) {
  await sql.query(
    `INSERT INTO "OrderLine" ("id", "shopId", "orderId", "externalId", "productId", "productExternalId", "title", "quantity", "price")
     SELECT l.id, $1, l.order_id, l.external_id, l.product_id, l.product_external_id, l.title, l.quantity, l.price
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::numeric[])
       AS l(id, order_id, external_id, product_id, product_external_id, title, quantity, price)
     ON CONFLICT ("orderId", "externalId") DO NOTHING`,
    [
      shopId,
      sales.map(() => orderedUuid()),
      sales.map(({ line }) => orderIds.get(line.orderId)!),
      sales.map(({ lineKey }) => lineKey),
      sales.map(({ line }) => ids.products.get(line.productId)!),
      sales.map(({ line }) => line.productId),
      sales.map(({ line }) => line.title ?? ""),
      sales.map(({ line }) => line.quantity),
      sales.map(({ line }) => line.price),
    ],
  );
}
