import fs from "node:fs";
import path from "node:path";
import type { Prisma, PrismaClient } from "@prisma/client";
import { parse } from "csv-parse";
import { checkCell, ImportFormatError, normaliseId } from "./order-rows";

/**
 * Products and customers for headless stores, from CSV with a header (any column order,
 * names case-insensitive). One transaction per file: a row that cannot be read fails the
 * file with its line and column, and nothing of it is stored. Rows are upserted: the file is
 * the catalogue's truth, and products first seen in orders get their real details.
 *
 * products:  product_id, title; optional handle, description, product_type, vendor,
 *            tags (a|b), price, compare_at_price, available (true/false), inventory,
 *            image_url, status (active/draft/archived)
 * customers: customer_id; optional email, first_name, last_name, country, province, city,
 *            tags (a|b), birth_year, gender, accepts_marketing (true/false)
 */
export const PRODUCT_COLUMNS = [
  "product_id",
  "title",
  "handle",
  "description",
  "product_type",
  "vendor",
  "tags",
  "price",
  "compare_at_price",
  "available",
  "inventory",
  "image_url",
  "status",
] as const;
export const CUSTOMER_COLUMNS = [
  "customer_id",
  "email",
  "first_name",
  "last_name",
  "country",
  "province",
  "city",
  "tags",
  "birth_year",
  "gender",
  "accepts_marketing",
] as const;

const ROWS_PER_STATEMENT = 2_000;
const FILE_TIMEOUT_MS = 30 * 60_000;

export interface CatalogSummary {
  file: string;
  rowsRead: number;
  stored: number;
  duplicates: number;
}

type Row = Record<string, string>;

async function* csvRows(file: string, known: readonly string[], required: readonly string[]): AsyncGenerator<{ line: number; row: Row }> {
  const name = path.basename(file);
  const parser = fs.createReadStream(file).pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true }));
  let header: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record.map((column) => column.trim().toLowerCase());
        const missing = required.filter((column) => !header!.includes(column));
        if (missing.length)
          throw new ImportFormatError(
            name,
            1,
            null,
            `the header lacks ${missing.join(", ")} (found ${record.join(", ")}); columns: ${known.join(", ")}`,
          );
        const unknown = header.filter((column) => !known.includes(column));
        if (unknown.length)
          throw new ImportFormatError(name, 1, unknown[0], `unknown column "${unknown[0]}"; columns: ${known.join(", ")}`);
        continue;
      }
      if (record.length !== header.length)
        throw new ImportFormatError(name, info.lines, null, `expected ${header.length} columns, found ${record.length}`);
      header.forEach((column, index) => checkCell(name, info.lines, column, record[index]));
      yield {
        line: info.lines,
        row: Object.fromEntries(header.map((column, index) => [column, record[index].trim().replace(/\s+/g, " ")])),
      };
    }
  } catch (error) {
    const csvError = error as { code?: string; lines?: number; message: string };
    if (csvError.code?.startsWith("CSV_"))
      throw new ImportFormatError(name, csvError.lines ?? 0, null, `not valid CSV: ${csvError.message}`);
    throw error;
  }
  if (!header) throw new ImportFormatError(name, 1, null, "the file is empty; expected a header row");
}

function cells(file: string, line: number, row: Row) {
  const name = path.basename(file);
  return {
    text: (column: string) => row[column] || null,
    id: (column: string, what: string) => {
      if (!row[column]) throw new ImportFormatError(name, line, column, `expected ${what}, found nothing`);
      return normaliseId(row[column]);
    },
    number: (column: string, what: string) => {
      if (!row[column]) return null;
      const value = Number(row[column]);
      if (!Number.isFinite(value) || value < 0) throw new ImportFormatError(name, line, column, `expected ${what}, found "${row[column]}"`);
      return value;
    },
    flag: (column: string) => {
      const value = row[column]?.toLowerCase();
      if (!value) return null;
      if (["true", "1", "yes", "y"].includes(value)) return true;
      if (["false", "0", "no", "n"].includes(value)) return false;
      throw new ImportFormatError(name, line, column, `expected true or false, found "${row[column]}"`);
    },
    tags: (column: string) =>
      (row[column] ?? "")
        .split("|")
        .map((tag) => tag.trim().toLowerCase())
        .filter(Boolean),
  };
}

type Cells = ReturnType<typeof cells>;
type Tx = Prisma.TransactionClient;

/**
 * The shared half of the product and customer imports: one transaction per file, rows read and
 * checked by `read`, an id seen twice counted once, and rows written in batches by `write`.
 */
async function upsertCsvFile<Row extends { externalId: string }>(
  db: PrismaClient,
  file: string,
  spec: {
    columns: readonly string[];
    required: readonly string[];
    read: (cell: Cells, line: number, row: Record<string, string>) => Row;
    write: (tx: Tx, rows: Row[]) => Promise<number>;
    after?: (tx: Tx) => Promise<unknown>;
  },
): Promise<CatalogSummary> {
  const summary: CatalogSummary = { file: path.basename(file), rowsRead: 0, stored: 0, duplicates: 0 };
  await db.$transaction(
    async (tx) => {
      const seen = new Set<string>();
      let batch: Row[] = [];
      for await (const { line, row } of csvRows(file, spec.columns, spec.required)) {
        summary.rowsRead++;
        const read = spec.read(cells(file, line, row), line, row);
        if (seen.has(read.externalId)) {
          summary.duplicates++;
          continue;
        }
        seen.add(read.externalId);
        batch.push(read);
        if (batch.length >= ROWS_PER_STATEMENT) {
          summary.stored += await spec.write(tx, batch);
          batch = [];
        }
      }
      if (batch.length) summary.stored += await spec.write(tx, batch);
      await spec.after?.(tx);
    },
    { timeout: FILE_TIMEOUT_MS, maxWait: 60_000 },
  );
  return summary;
}

interface ProductRow {
  externalId: string;
  title: string;
  handle: string | null;
  description: string;
  productType: string;
  vendor: string;
  tags: string[];
  price: number | null;
  compareAt: number | null;
  available: boolean;
  inventory: number | null;
  imageUrl: string | null;
  status: string;
}

export async function importProductFile(db: PrismaClient, shopId: string, file: string): Promise<CatalogSummary> {
  const name = path.basename(file);
  return upsertCsvFile<ProductRow>(db, file, {
    columns: PRODUCT_COLUMNS,
    required: ["product_id", "title"],
    read: (cell, line, row) => {
      const externalId = cell.id("product_id", "a product id");
      const title = cell.text("title");
      if (!title) throw new ImportFormatError(name, line, "title", "expected the product's title, found nothing");
      const status = (cell.text("status") ?? "active").toLowerCase();
      if (!["active", "draft", "archived"].includes(status))
        throw new ImportFormatError(name, line, "status", `expected active, draft or archived, found "${row.status}"`);
      const inventory = cell.number("inventory", "a whole number of items in stock");
      if (inventory !== null && !Number.isInteger(inventory))
        throw new ImportFormatError(name, line, "inventory", `expected a whole number, found "${row.inventory}"`);
      return {
        externalId,
        title,
        handle: cell.text("handle"),
        description: cell.text("description") ?? "",
        productType: cell.text("product_type") ?? "",
        vendor: cell.text("vendor") ?? "",
        tags: cell.tags("tags"),
        price: cell.number("price", "a price such as 12.50"),
        compareAt: cell.number("compare_at_price", "a price such as 15.00"),
        available: cell.flag("available") ?? (inventory === null ? true : inventory > 0),
        inventory,
        imageUrl: cell.text("image_url"),
        status: status.toUpperCase(),
      };
    },
    write: (tx, batch) => {
      const column = <T>(pick: (row: ProductRow) => T) => batch.map(pick);
      return tx.$executeRaw`
        INSERT INTO "Product" ("id", "shopId", "externalId", "title", "handle", "description", "productType", "vendor", "tags",
                               "priceMin", "priceMax", "compareAtPrice", "available", "totalInventory", "imageUrl", "status", "updatedAt")
        SELECT gen_random_uuid()::text, ${shopId}, p.external_id, p.title, p.handle, p.description, p.product_type, p.vendor,
               string_to_array(p.tags, '|'), coalesce(p.price, 0), coalesce(p.price, 0), p.compare_at, p.available, p.inventory, p.image_url,
               p.status::"ProductStatus", now()
        FROM unnest(${column((r) => r.externalId)}::text[], ${column((r) => r.title)}::text[], ${column((r) => r.handle)}::text[],
                    ${column((r) => r.description)}::text[], ${column((r) => r.productType)}::text[], ${column((r) => r.vendor)}::text[],
                    ${column((r) => r.tags.join("|"))}::text[], ${column((r) => r.price)}::numeric[], ${column((r) => r.compareAt)}::numeric[],
                    ${column((r) => r.available)}::boolean[], ${column((r) => r.inventory)}::int[], ${column((r) => r.imageUrl)}::text[],
                    ${column((r) => r.status)}::text[])
          AS p(external_id, title, handle, description, product_type, vendor, tags, price, compare_at, available, inventory, image_url, status)
        ON CONFLICT ("shopId", "externalId") DO UPDATE SET
          "title" = excluded."title", "handle" = excluded."handle", "description" = excluded."description",
          "productType" = excluded."productType", "vendor" = excluded."vendor", "tags" = excluded."tags",
          "priceMin" = CASE WHEN excluded."priceMin" > 0 THEN excluded."priceMin" ELSE "Product"."priceMin" END,
          "priceMax" = CASE WHEN excluded."priceMax" > 0 THEN excluded."priceMax" ELSE "Product"."priceMax" END,
          "compareAtPrice" = excluded."compareAtPrice", "available" = excluded."available", "totalInventory" = excluded."totalInventory",
          "imageUrl" = excluded."imageUrl", "status" = excluded."status", "deletedAt" = NULL, "updatedAt" = now()`;
    },
    // Order lines imported before their product now point to it.
    after: (tx) => tx.$executeRaw`
      UPDATE "OrderLine" l SET "productId" = p."id" FROM "Product" p
      WHERE l."shopId" = ${shopId} AND l."productId" IS NULL AND p."shopId" = ${shopId} AND p."externalId" = l."productExternalId"`,
  });
}

interface CustomerRow {
  externalId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  country: string | null;
  province: string | null;
  city: string | null;
  tags: string[];
  birthYear: number | null;
  gender: string | null;
  acceptsMarketing: boolean;
}

export async function importCustomerFile(db: PrismaClient, shopId: string, file: string): Promise<CatalogSummary> {
  const name = path.basename(file);
  const thisYear = new Date().getUTCFullYear();
  return upsertCsvFile<CustomerRow>(db, file, {
    columns: CUSTOMER_COLUMNS,
    required: ["customer_id"],
    read: (cell, line, row) => {
      const externalId = cell.id("customer_id", "a customer id");
      const email = cell.text("email")?.toLowerCase() ?? null;
      if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        throw new ImportFormatError(name, line, "email", `expected an email address, found "${row.email}"`);
      const birthYear = cell.number("birth_year", "a year such as 1984");
      if (birthYear !== null && (!Number.isInteger(birthYear) || birthYear < 1900 || birthYear > thisYear)) {
        throw new ImportFormatError(name, line, "birth_year", `expected a year between 1900 and ${thisYear}, found "${row.birth_year}"`);
      }
      return {
        externalId,
        email,
        firstName: cell.text("first_name"),
        lastName: cell.text("last_name"),
        country: cell.text("country")?.toUpperCase() ?? null,
        province: cell.text("province"),
        city: cell.text("city"),
        tags: cell.tags("tags"),
        birthYear,
        gender: cell.text("gender")?.toLowerCase() ?? null,
        acceptsMarketing: cell.flag("accepts_marketing") ?? false,
      };
    },
    write: (tx, batch) => {
      const column = <T>(pick: (row: CustomerRow) => T) => batch.map(pick);
      return tx.$executeRaw`
        INSERT INTO "Customer" ("id", "shopId", "externalId", "email", "firstName", "lastName", "country", "province", "city", "tags",
                                "birthYear", "gender", "acceptsMarketing", "updatedAt")
        SELECT gen_random_uuid()::text, ${shopId}, c.external_id, c.email, c.first_name, c.last_name, c.country, c.province, c.city,
               string_to_array(c.tags, '|'), c.birth_year, c.gender, c.accepts_marketing, now()
        FROM unnest(${column((r) => r.externalId)}::text[], ${column((r) => r.email)}::text[], ${column((r) => r.firstName)}::text[],
                    ${column((r) => r.lastName)}::text[], ${column((r) => r.country)}::text[], ${column((r) => r.province)}::text[],
                    ${column((r) => r.city)}::text[], ${column((r) => r.tags.join("|"))}::text[], ${column((r) => r.birthYear)}::int[],
                    ${column((r) => r.gender)}::text[], ${column((r) => r.acceptsMarketing)}::boolean[])
          AS c(external_id, email, first_name, last_name, country, province, city, tags, birth_year, gender, accepts_marketing)
        ON CONFLICT ("shopId", "externalId") DO UPDATE SET
          "email" = excluded."email", "firstName" = excluded."firstName", "lastName" = excluded."lastName",
          "country" = coalesce(excluded."country", "Customer"."country"), "province" = excluded."province", "city" = excluded."city",
          "tags" = excluded."tags", "birthYear" = excluded."birthYear", "gender" = excluded."gender",
          "acceptsMarketing" = excluded."acceptsMarketing", "updatedAt" = now()`;
    },
  });
}
