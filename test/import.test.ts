import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCustomerFile, importProductFile } from "../app/models/import/catalog-import.server";
import { importEventFile } from "../app/models/import/event-import.server";
import { importOrderFile } from "../app/models/import/order-import.server";
import { parseColumnMap } from "../app/models/import/order-rows";
import { ensureShop } from "../app/models/shops.server";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";
import { withStoreIds } from "./helpers/interactions";
import { POSTGRES_ADMIN_URL, serviceAvailable } from "./helpers/services";

const RETAIL_DAY = path.resolve("../shared/datasets/online-retail/by-day/2010-12-01.csv");
const RETAIL_MAP = parseColumnMap(
  "InvoiceNo=order_id,StockCode=product_id,Description=title,Quantity=quantity,InvoiceDate=created_at,UnitPrice=price,CustomerID=customer_id,Country=country",
);
const HEADER = "order_id,customer_id,product_id,quantity,price,created_at,title";
const GOOD = [
  "1001,c1,tent,1,249.00,2026-01-05T10:00:00Z,Tent",
  "1001,c1,bag,1,99.50,2026-01-05T10:00:00Z,Sleeping bag",
  "1002,,tent,2,249.00,2026-01-06T11:00:00Z,Tent",
  "1003,c2,bag,-1,99.50,2026-01-07T12:00:00Z,Sleeping bag",
];

const postgresUp = await serviceAvailable("PostgreSQL", POSTGRES_ADMIN_URL);

// The import writes through the database driver, not Prisma: both drivers are covered.
describe.each([
  ["embedded database", "pglite", true],
  ["PostgreSQL", "postgres", postgresUp],
] as const)("order import (%s)", (_, kind, available) => {
  let database: TestDatabase;
  let shopId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-import-"));
  const write = (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, lines.join("\n") + "\n");
    return file;
  };
  const counts = async () => ({
    orders: await database.prisma.order.count({ where: { shopId } }),
    lines: await database.prisma.orderLine.count({ where: { shopId } }),
    interactions: await database.prisma.interaction.count({ where: { shopId } }),
    products: await database.prisma.product.count({ where: { shopId } }),
  });

  beforeAll(async () => {
    if (!available) return;
    database = await createTestDatabase(kind);
    shopId = (await ensureShop(database.prisma, "headless.example.com", { platform: "HEADLESS" })).id;
  });
  afterAll(async () => {
    await database?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!available)("imports orders, guests and returns, and a second run changes nothing", async () => {
    const file = write("good.csv", [HEADER, ...GOOD]);
    const first = await importOrderFile(database.raw, shopId, file);
    expect(first).toMatchObject({ rowsRead: 4, imported: 4, orders: 2, returns: 1, skipped: {} });
    expect(await counts()).toEqual({ orders: 2, lines: 3, interactions: 4, products: 2 });
    const [refund] = await withStoreIds(database.prisma, [
      await database.prisma.interaction.findFirstOrThrow({ where: { shopId, kind: "REFUND" } }),
    ]);
    expect(refund).toMatchObject({ quantity: 1, customer: { externalId: "C2" } });

    const second = await importOrderFile(database.raw, shopId, file);
    expect(second).toMatchObject({ rowsRead: 4, imported: 0, orders: 0 });
    expect(await counts()).toEqual({ orders: 2, lines: 3, interactions: 4, products: 2 });
  });

  it.runIf(available).each([
    ["a bad date", "2001,c1,tent,1,249.00,05/01/2026,Tent", /bad-date\.csv, line 4, column created_at: expected an ISO 8601 date/],
    [
      "a missing product id",
      "2001,c1,,1,249.00,2026-01-05T10:00:00Z,Tent",
      /line 4, column product_id: expected a product id, found nothing/,
    ],
    [
      "text in quantity",
      "2001,c1,tent,two,249.00,2026-01-05T10:00:00Z,Tent",
      /line 4, column quantity: expected a whole number \(negative for a return\), found "two"/,
    ],
    ["a wrong column count", "2001,c1,tent,1,249.00", /line 4: expected 7 columns, found 5/],
  ])("rejects a file with %s, naming the line, and imports nothing from it", async (_, badRow, message) => {
    const name = `${_.replace(/^an? /, "").replace(/ /g, "-")}.csv`;
    const before = await counts();
    const file = write(name, [
      HEADER,
      "2000,c9,lamp,1,20.00,2026-02-01T09:00:00Z,Lamp",
      "2000,c9,tent,1,249.00,2026-02-01T09:00:00Z,Tent",
      badRow,
    ]);
    await expect(importOrderFile(database.raw, shopId, file)).rejects.toThrow(message);
    expect(await counts()).toEqual(before);
  });

  it.skipIf(!available || !fs.existsSync(RETAIL_DAY))("imports a real Online Retail day with --map, cleaning it", async () => {
    const retail = (await ensureShop(database.prisma, "retail.example.com", { platform: "HEADLESS" })).id;
    const summary = await importOrderFile(database.raw, retail, RETAIL_DAY, { map: RETAIL_MAP });
    expect(summary.rowsRead).toBe(3108);
    expect(summary.skipped["fee or adjustment, not a product"]).toBeGreaterThan(0);
    expect(summary.skipped["duplicate row"]).toBeGreaterThan(0);
    expect(summary.returns).toBeGreaterThan(0);
    const skipped = Object.values(summary.skipped).reduce((sum, count) => sum + (count ?? 0), 0);
    expect(summary.imported).toBe(summary.rowsRead - skipped);
    const customer = await database.prisma.customer.findFirstOrThrow({ where: { shopId: retail, externalId: "17850" } });
    expect(customer.country).toBe("United Kingdom");
    expect(await database.prisma.product.count({ where: { shopId: retail, externalId: "POST" } })).toBe(0);
  });

  it.skipIf(!available)(
    "imports products and customers from CSV: orders' placeholders get their details, reruns change nothing",
    async () => {
      const products = write("products.csv", [
        "product_id,title,description,product_type,vendor,tags,price,compare_at_price,inventory,image_url,status",
        "tent,Two-person tent,Light and quick to pitch,Tents,Northwind,Camping|Summer,249.00,299.00,4,https://cdn.example.com/tent.jpg,active",
        "lamp, Camp  lamp ,,Lighting,Acme,,19.90,,0,,active",
        "stove,Stove,,Cooking,Acme,,49.00,,,,draft",
      ]);
      const first = await importProductFile(database.prisma, shopId, products);
      expect(first).toMatchObject({ rowsRead: 3, stored: 3, duplicates: 0 });
      const tent = await database.prisma.product.findUniqueOrThrow({ where: { shopId_externalId: { shopId, externalId: "TENT" } } });
      expect(tent).toMatchObject({
        title: "Two-person tent",
        productType: "Tents",
        tags: ["camping", "summer"],
        totalInventory: 4,
        available: true,
      });
      expect(Number(tent.compareAtPrice)).toBe(299);
      expect(
        await database.prisma.product.findUniqueOrThrow({ where: { shopId_externalId: { shopId, externalId: "LAMP" } } }),
      ).toMatchObject({ title: "Camp lamp", available: false });
      const again = await importProductFile(database.prisma, shopId, products);
      expect(again.rowsRead).toBe(3);
      expect(await database.prisma.product.count({ where: { shopId } })).toBe((await counts()).products);

      const customers = write("customers.csv", [
        "customer_id,email,first_name,country,tags,birth_year,accepts_marketing",
        "c1,Ana@Example.com,Ana,es,vip,1984,yes",
        "c3,,Bo,GB,,,",
      ]);
      expect(await importCustomerFile(database.prisma, shopId, customers)).toMatchObject({ rowsRead: 2, stored: 2 });
      expect(
        await database.prisma.customer.findUniqueOrThrow({ where: { shopId_externalId: { shopId, externalId: "C1" } } }),
      ).toMatchObject({
        email: "ana@example.com",
        country: "ES",
        birthYear: 1984,
        acceptsMarketing: true,
        tags: ["vip"],
      });

      const badProducts = write("bad-products.csv", ["product_id,title,price", "kettle,Kettle,12.00", "mug,Mug,cheap"]);
      await expect(importProductFile(database.prisma, shopId, badProducts)).rejects.toThrow(
        /bad-products\.csv, line 3, column price: expected a price such as 12\.50, found "cheap"/,
      );
      expect(await database.prisma.product.count({ where: { shopId, externalId: "KETTLE" } })).toBe(0);
      const badCustomers = write("bad-customers.csv", ["customer_id,email,birth_year", "c7,c7@example.com,1990", "c8,c8@example.com,3000"]);
      await expect(importCustomerFile(database.prisma, shopId, badCustomers)).rejects.toThrow(
        /line 3, column birth_year: expected a year between 1900/,
      );
      expect(await database.prisma.customer.count({ where: { shopId, externalId: "C7" } })).toBe(0);
      await expect(importProductFile(database.prisma, shopId, write("no-title.csv", ["product_id,name", "x,X"]))).rejects.toThrow(
        /line 1: the header lacks title/,
      );
    },
  );

  it.skipIf(!available)("imports browsing, wishlist and review events from JSONL once, and names the line of a bad one", async () => {
    const events = write("events.jsonl", [
      JSON.stringify({ id: "e-1", kind: "view", customer_id: "c1", product_id: "tent", occurred_at: "2026-01-04T10:00:00Z" }),
      JSON.stringify({ kind: "search", visitor_id: "b-9", query: "lantern", occurred_at: "2026-01-04T10:01:00Z" }),
      "",
      JSON.stringify({
        id: "e-3",
        kind: "review",
        customer_id: "c1",
        product_id: "bag",
        rating: 2,
        occurred_at: "2026-01-09T08:00:00+01:00",
      }),
      JSON.stringify({ id: "e-4", kind: "wishlist_add", visitor_id: "b-9", product_id: "rope", occurred_at: "2026-01-04T10:02:00" }),
    ]);
    expect(await importEventFile(database.raw, shopId, events)).toEqual({ file: "events.jsonl", linesRead: 4, imported: 4, duplicates: 0 });
    expect(await importEventFile(database.raw, shopId, events)).toMatchObject({ imported: 0, duplicates: 4 });
    const [review] = await withStoreIds(database.prisma, [
      await database.prisma.interaction.findFirstOrThrow({ where: { shopId, dedupeKey: "import-event:e-3" } }),
    ]);
    expect(review).toMatchObject({
      kind: "REVIEW",
      rating: 2,
      product: { externalId: "BAG" },
      customer: { externalId: "C1" },
      occurredAt: new Date("2026-01-09T07:00:00Z"),
    });

    const before = await counts();
    const bad = write("bad-events.jsonl", [
      JSON.stringify({ id: "e-9", kind: "view", customer_id: "c1", product_id: "tent", occurred_at: "2026-01-05T10:00:00Z" }),
      JSON.stringify({ id: "e-10", kind: "review", customer_id: "c1", product_id: "tent", occurred_at: "2026-01-05T10:00:00Z" }),
    ]);
    await expect(importEventFile(database.raw, shopId, bad)).rejects.toThrow(
      "bad-events.jsonl, line 2, column rating: a review needs a rating from 1 to 5",
    );
    await expect(importEventFile(database.raw, shopId, write("not-json.jsonl", ["{kind: view}"]))).rejects.toThrow(
      /not-json\.jsonl, line 1: expected one JSON object per line/,
    );
    expect(await counts()).toEqual(before);
  });
});
