import { MAX_DOCUMENT_LENGTH, MAX_ID_LENGTH, MAX_LINE_LENGTH, textProblem } from "../../text-input.server";

/**
 * The order import format: one CSV row per order line. Required columns, then optional ones.
 * `--map "Src=dst,..."` renames a raw export's columns to these names.
 */
export const REQUIRED_COLUMNS = ["order_id", "customer_id", "product_id", "quantity", "price", "created_at"] as const;
export const OPTIONAL_COLUMNS = ["title", "description", "product_type", "vendor", "tags", "country", "currency"] as const;
const KNOWN = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);

/** Product ids that are fees, postage or adjustments, not products (UCI Online Retail's among them). */
const NON_PRODUCT_IDS = /^(POST|DOT|M|C2|D|S|B|CRUK|PADS|BANK CHARGES|AMAZONFEE|ADJUST\d*|GIFT_.*|DCGS.*)$/;
/** A line quantity beyond this is a data error (or a wholesale adjustment), not a purchase. */
const MAX_QUANTITY = 10_000;

export type SkipReason =
  "zero or negative price" | "zero quantity" | "impossible quantity" | "fee or adjustment, not a product" | "gift card" | "duplicate row";

export interface CleanLine {
  orderId: string;
  /** Null for a guest checkout. */
  customerId: string | null;
  productId: string;
  /** Positive: bought. Negative: returned. */
  quantity: number;
  price: number;
  createdAt: Date;
  title: string | null;
  description: string | null;
  productType: string | null;
  vendor: string | null;
  tags: string[];
  country: string | null;
  currency: string | null;
}

export class ImportFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: string | null,
    readonly expected: string,
  ) {
    super(`${file}, line ${line}${column ? `, column ${column}` : ""}: ${expected}`);
  }
}

/** Columns of the import files that hold ids, and those that hold long text; the rest are single values. */
const ID_COLUMNS = new Set(["order_id", "customer_id", "product_id", "handle", "email"]);
const DOCUMENT_COLUMNS = new Set(["description", "tags"]);

/**
 * Fails the file at a cell that cannot be stored (a NUL, a lone surrogate, or longer than its
 * column allows), naming the line and column, before any of the file reaches the database.
 */
export function checkCell(file: string, line: number, column: string, value: string | undefined) {
  if (value === undefined) return;
  const max = ID_COLUMNS.has(column) ? MAX_ID_LENGTH : DOCUMENT_COLUMNS.has(column) ? MAX_DOCUMENT_LENGTH : MAX_LINE_LENGTH;
  const problem = textProblem(value, max);
  if (problem) throw new ImportFormatError(file, line, column, `the value ${problem}`);
}

/** Parses `"Src=dst,Other=dst2"` into a rename table; names every malformed pair. */
export function parseColumnMap(spec: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!spec) return map;
  for (const pair of spec
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [from, to, ...rest] = pair.split("=").map((part) => part.trim());
    if (!from || !to || rest.length) throw new Error(`--map: "${pair}" must look like SourceColumn=target_column`);
    if (!KNOWN.has(to)) throw new Error(`--map: "${to}" is not a column of the import format (${[...KNOWN].join(", ")})`);
    map.set(from, to);
  }
  return map;
}

/** The header after renaming; fails with the missing required columns named. */
export function normaliseHeader(file: string, header: string[], map: Map<string, string>): string[] {
  const renamed = header.map((name) => {
    const trimmed = name.trim();
    return map.get(trimmed) ?? trimmed.toLowerCase();
  });
  const missing = REQUIRED_COLUMNS.filter((column) => !renamed.includes(column));
  if (missing.length) {
    throw new ImportFormatError(
      file,
      1,
      null,
      `the header lacks ${missing.join(", ")} (found ${header.join(", ")}); rename columns with --map "Source=target,…"`,
    );
  }
  return renamed;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** ISO 8601 date or date-time; without a zone it is taken as UTC. */
function parseDate(value: string): Date | null {
  if (!ISO_DATE.test(value)) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) && value.length > 10;
  const date = new Date(hasZone ? value.replace(" ", "T") : `${value.replace(" ", "T")}${value.length === 10 ? "T00:00:00" : ""}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Ids as stores write them: trimmed, "17850.0" as "17850", letters in upper case. */
export function normaliseId(value: string): string {
  const trimmed = value.trim().replace(/\s+/g, " ");
  return /^\d+\.0+$/.test(trimmed) ? trimmed.replace(/\.0+$/, "") : trimmed.toUpperCase();
}

const optional = (value: string | undefined) => {
  const trimmed = value?.trim().replace(/\s+/g, " ");
  return trimmed ? trimmed : null;
};

/**
 * Validates one row. A row that cannot be read (a bad date, text for a number, a missing id)
 * is an ImportFormatError naming the line and column; a row that is readable but is not a
 * product sale is skipped with its reason.
 */
export function cleanRow(file: string, line: number, row: Record<string, string | undefined>): CleanLine | { skip: SkipReason } {
  for (const column of KNOWN) checkCell(file, line, column, row[column]);
  const required = (column: (typeof REQUIRED_COLUMNS)[number], what: string) => {
    const value = row[column]?.trim();
    if (!value) throw new ImportFormatError(file, line, column, `expected ${what}, found nothing`);
    return value;
  };
  const number = (column: "quantity" | "price", what: string) => {
    const text = required(column, what);
    const value = Number(text);
    if (!Number.isFinite(value)) throw new ImportFormatError(file, line, column, `expected ${what}, found "${text}"`);
    return value;
  };

  const orderId = normaliseId(required("order_id", "an order id"));
  const productId = normaliseId(required("product_id", "a product id"));
  const quantity = number("quantity", "a whole number (negative for a return)");
  if (!Number.isInteger(quantity)) throw new ImportFormatError(file, line, "quantity", `expected a whole number, found "${row.quantity}"`);
  const price = number("price", "a unit price such as 12.50");
  const createdText = required("created_at", "an ISO 8601 date such as 2011-03-01T10:30:00Z");
  const createdAt = parseDate(createdText);
  if (!createdAt)
    throw new ImportFormatError(file, line, "created_at", `expected an ISO 8601 date such as 2011-03-01T10:30:00Z, found "${createdText}"`);
  const customer = row.customer_id?.trim();

  if (NON_PRODUCT_IDS.test(productId)) return { skip: "fee or adjustment, not a product" };
  if (/gift card/i.test(row.title ?? "") || row.product_type?.trim().toLowerCase() === "gift card") return { skip: "gift card" };
  if (quantity === 0) return { skip: "zero quantity" };
  if (Math.abs(quantity) > MAX_QUANTITY) return { skip: "impossible quantity" };
  if (price <= 0) return { skip: "zero or negative price" };

  return {
    orderId,
    customerId: customer ? normaliseId(customer) : null,
    productId,
    quantity,
    price,
    createdAt,
    title: optional(row.title),
    description: optional(row.description),
    productType: optional(row.product_type),
    vendor: optional(row.vendor),
    tags: (row.tags ?? "")
      .split("|")
      .map((tag) => tag.trim().toLowerCase())
      .filter(Boolean),
    country: optional(row.country),
    currency: optional(row.currency)?.toUpperCase() ?? null,
  };
}
