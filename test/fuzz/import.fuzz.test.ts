import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER_COLUMNS, importCustomerFile, importProductFile, PRODUCT_COLUMNS } from "../../app/models/import/catalog-import.server";
import { importEventFile } from "../../app/models/import/event-import.server";
import { importOrderFile } from "../../app/models/import/order-import.server";
import { ImportFormatError, OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from "../../app/models/import/order-rows";
import { ensureShop } from "../../app/models/shops.server";
import { createTestDatabase, type TestDatabase } from "../helpers/databases";
import { anyJson, anyText, badText, mutated, runs } from "./arbitraries";

/**
 * The file imports against a real embedded database: every file is one transaction, so a file
 * with one row that cannot be read or stored fails with that row's line and column and leaves
 * nothing of itself behind, whatever the row holds.
 */
let database: TestDatabase;
let shopId: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-import-fuzz-"));
let files = 0;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
  shopId = (await ensureShop(database.prisma, "import-fuzz.example.com", { platform: "HEADLESS" })).id;
});
afterAll(async () => {
  await database?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (extension: string, lines: string[]) => {
  const file = path.join(dir, `file-${++files}.${extension}`);
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
};
const csvLine = (cells: string[]) => cells.map((cell) => `"${cell.replace(/"/g, '""')}"`).join(",");
const counts = async () => {
  const where = { where: { shopId } };
  const db = database.prisma;
  return {
    orders: await db.order.count(where),
    lines: await db.orderLine.count(where),
    interactions: await db.interaction.count(where),
    products: await db.product.count(where),
    customers: await db.customer.count(where),
  };
};

/** Imports the file: either it succeeds, or it fails with an ImportFormatError and the database is as it was. */
async function importAllOrNothing(run: () => Promise<unknown>): Promise<"imported" | ImportFormatError> {
  const before = await counts();
  try {
    await run();
    return "imported";
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(ImportFormatError);
    expect(await counts()).toEqual(before);
    return error as ImportFormatError;
  }
}

/** A file of good rows, numbered from `first`, with one row replaced by `bad` at `at` (line at + 2, after the header). */
function withBadRow(good: (n: number) => string[], rows: number, at: number, bad: string[]) {
  return Array.from({ length: rows }, (_, index) => (index === at % rows ? bad : good(index)));
}

let unique = 0;
const ORDER_COLUMNS = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
const orderRow = (order: number) => (n: number) => [
  `F${order}`,
  `C${n % 3}`,
  `P${n % 5}`,
  "1",
  "9.50",
  "2026-01-05T10:00:00Z",
  `Product ${n % 5}`,
  "",
  "Decor",
  "Acme",
  "a|b",
  "GB",
  "GBP",
];

describe("order files", () => {
  it("a file with one cell that cannot be stored fails at that line and column, and stores nothing of the file", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        fc.constantFrom(...ORDER_COLUMNS.keys()),
        badText,
        async (rows, at, column, bad) => {
          const order = ++unique;
          const badRow = orderRow(order)(0);
          badRow[column] = bad;
          const file = write("csv", [ORDER_COLUMNS.join(","), ...withBadRow(orderRow(order), rows, at, badRow).map(csvLine)]);
          const result = await importAllOrNothing(() => importOrderFile(database.raw, shopId, file));
          // A lone surrogate cannot be written to a UTF-8 file: it arrives as U+FFFD, which is text like any other.
          if (!bad.includes("\u0000")) return;
          expect(result).toBeInstanceOf(ImportFormatError);
          expect(result).toMatchObject({ line: (at % rows) + 2, column: ORDER_COLUMNS[column] });
        },
      ),
      runs(20),
    );
  });

  it("any cells give a whole import or a format error that stores nothing", async () => {
    const cell = fc.oneof(anyText, fc.constantFrom("1", "-2", "9.50", "2026-01-05", "0", ""));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: ORDER_COLUMNS.length, maxLength: ORDER_COLUMNS.length }), { minLength: 1, maxLength: 5 }),
        async (rows) => {
          const order = ++unique;
          const file = write("csv", [ORDER_COLUMNS.join(","), ...rows.map((row) => csvLine([`F${order}-${row[0]}`, ...row.slice(1)]))]);
          await importAllOrNothing(() => importOrderFile(database.raw, shopId, file));
        },
      ),
      runs(20),
    );
  });
});

describe("product and customer files", () => {
  const productRow = (n: number) => [
    `FP${unique}-${n}`,
    `Title ${n}`,
    `handle-${n}`,
    "Words",
    "Decor",
    "Acme",
    "a|b",
    "9.50",
    "12.00",
    "true",
    "4",
    "https://example.com/p.png",
    "active",
  ];
  const customerRow = (n: number) => [
    `FC${unique}-${n}`,
    `c${n}@example.com`,
    "Ana",
    "Lee",
    "gb",
    "LND",
    "London",
    "vip",
    "1984",
    "f",
    "yes",
  ];

  it.each([
    ["products", PRODUCT_COLUMNS, productRow, importProductFile],
    ["customers", CUSTOMER_COLUMNS, customerRow, importCustomerFile],
  ] as const)(
    "a %s file with one cell that cannot be stored fails at that line and column, and stores nothing of the file",
    async (_, columns, row, importFile) => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 6 }),
          fc.nat(),
          fc.constantFrom(...columns.keys()),
          fc.oneof(badText, anyText),
          async (rows, at, column, cell) => {
            unique++;
            const badRow = row(0);
            badRow[column] = cell;
            const file = write("csv", [columns.join(","), ...withBadRow(row, rows, at, badRow).map(csvLine)]);
            const result = await importAllOrNothing(() => importFile(database.prisma, shopId, file));
            if (cell.includes("\u0000")) expect(result).toMatchObject({ line: (at % rows) + 2, column: columns[column] });
          },
        ),
        runs(20),
      );
    },
  );
});

describe("event files", () => {
  const event = (n: number) => ({
    id: `FE${unique}-${n}`,
    kind: "view",
    customer_id: `C${n % 3}`,
    product_id: `P${n % 5}`,
    occurred_at: "2026-01-05T10:00:00Z",
  });
  const EXAMPLES = [
    event(0),
    { kind: "search", visitor_id: "b-9", query: "lantern", occurred_at: "2026-01-05T10:31:00Z" },
    { kind: "review", customer_id: 17850, product_id: "22423", rating: 2, occurred_at: "2026-01-05T08:00:00" },
  ];

  it("a file with one line that cannot be read or stored fails at that line, and stores nothing of the file", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.nat(), fc.oneof(mutated(EXAMPLES), anyJson), async (lines, at, bad) => {
        unique++;
        const file = write(
          "jsonl",
          withBadRow((n) => [JSON.stringify(event(n))], lines, at, [JSON.stringify(bad) ?? "undefined"]).map(([line]) => line),
        );
        const result = await importAllOrNothing(() => importEventFile(database.raw, shopId, file));
        if (result !== "imported") expect(result.line).toBe((at % lines) + 1);
      }),
      runs(30),
    );
  });

  it("refuses an event whose ids or query hold a NUL or a lone surrogate, naming the field", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("id", "customer_id", "product_id", "visitor_id", "query"), badText, async (field, bad) => {
        unique++;
        const file = write("jsonl", [JSON.stringify(event(1)), JSON.stringify({ ...EXAMPLES[1], [field]: bad })]);
        expect(await importAllOrNothing(() => importEventFile(database.raw, shopId, file))).toMatchObject({ line: 2, column: field });
      }),
      runs(20),
    );
  });
});
