import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importOrderFile } from "../app/models/import/order-import.server";
import { parseColumnMap } from "../app/models/import/order-rows";
import { ensureShop } from "../app/models/shops.server";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";

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

describe("order import (embedded database)", () => {
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
    database = await createTestDatabase("pglite");
    shopId = (await ensureShop(database.prisma, "headless.example.com", { platform: "HEADLESS" })).id;
  });
  afterAll(async () => {
    await database?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("imports orders, guests and returns, and a second run changes nothing", async () => {
    const file = write("good.csv", [HEADER, ...GOOD]);
    const first = await importOrderFile(database.prisma, shopId, file);
    expect(first).toMatchObject({ rowsRead: 4, imported: 4, orders: 2, returns: 1, skipped: {} });
    expect(await counts()).toEqual({ orders: 2, lines: 3, interactions: 4, products: 2 });
    const refund = await database.prisma.interaction.findFirstOrThrow({ where: { shopId, kind: "REFUND" }, include: { customer: true } });
    expect(refund).toMatchObject({ quantity: 1, customer: { externalId: "C2" } });

    const second = await importOrderFile(database.prisma, shopId, file);
    expect(second).toMatchObject({ rowsRead: 4, imported: 0, orders: 0 });
    expect(await counts()).toEqual({ orders: 2, lines: 3, interactions: 4, products: 2 });
  });

  it.each([
    ["a bad date", "2001,c1,tent,1,249.00,05/01/2026,Tent", /bad-date\.csv, line 4, column created_at: expected an ISO 8601 date/],
    ["a missing product id", "2001,c1,,1,249.00,2026-01-05T10:00:00Z,Tent", /line 4, column product_id: expected a product id, found nothing/],
    ["text in quantity", "2001,c1,tent,two,249.00,2026-01-05T10:00:00Z,Tent", /line 4, column quantity: expected a whole number \(negative for a return\), found "two"/],
    ["a wrong column count", "2001,c1,tent,1,249.00", /line 4: expected 7 columns, found 5/],
  ])("rejects a file with %s, naming the line, and imports nothing from it", async (_, badRow, message) => {
    const name = `${_.replace(/^an? /, "").replace(/ /g, "-")}.csv`;
    const before = await counts();
    const file = write(name, [HEADER, "2000,c9,lamp,1,20.00,2026-02-01T09:00:00Z,Lamp", "2000,c9,tent,1,249.00,2026-02-01T09:00:00Z,Tent", badRow]);
    await expect(importOrderFile(database.prisma, shopId, file)).rejects.toThrow(message);
    expect(await counts()).toEqual(before);
  });

  it.skipIf(!fs.existsSync(RETAIL_DAY))("imports a real Online Retail day with --map, cleaning it", async () => {
    const retail = (await ensureShop(database.prisma, "retail.example.com", { platform: "HEADLESS" })).id;
    const summary = await importOrderFile(database.prisma, retail, RETAIL_DAY, { map: RETAIL_MAP });
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
});
