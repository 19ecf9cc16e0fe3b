import { describe, expect, it } from "vitest";
import { cleanRow, ImportFormatError, normaliseHeader, normaliseId, parseColumnMap } from "./order-rows";

const row = (overrides: Record<string, string> = {}) => ({
  order_id: "536365",
  customer_id: "17850.0",
  product_id: "85123a",
  quantity: "6",
  price: "2.55",
  created_at: "2010-12-01 08:26:00",
  title: "  WHITE HANGING   HEART ",
  ...overrides,
});

describe("order rows", () => {
  it("normalises ids, whitespace and dates (no zone means UTC)", () => {
    expect(cleanRow("f.csv", 2, row())).toMatchObject({
      orderId: "536365",
      customerId: "17850",
      productId: "85123A",
      quantity: 6,
      price: 2.55,
      createdAt: new Date("2010-12-01T08:26:00Z"),
      title: "WHITE HANGING HEART",
    });
    expect(normaliseId(" 17850.00 ")).toBe("17850");
    expect(cleanRow("f.csv", 2, row({ created_at: "2011-03-01T10:30:00+02:00" }))).toMatchObject({
      createdAt: new Date("2011-03-01T08:30:00Z"),
    });
    expect(cleanRow("f.csv", 2, row({ customer_id: "" }))).toMatchObject({ customerId: null });
  });

  it("keeps returns as negative quantities and skips what is not a product sale, with the reason", () => {
    expect(cleanRow("f.csv", 2, row({ quantity: "-2" }))).toMatchObject({ quantity: -2 });
    expect(cleanRow("f.csv", 2, row({ product_id: "POST" }))).toEqual({ skip: "fee or adjustment, not a product" });
    expect(cleanRow("f.csv", 2, row({ product_id: "BANK CHARGES" }))).toEqual({ skip: "fee or adjustment, not a product" });
    expect(cleanRow("f.csv", 2, row({ price: "0" }))).toEqual({ skip: "zero or negative price" });
    expect(cleanRow("f.csv", 2, row({ quantity: "80995" }))).toEqual({ skip: "impossible quantity" });
    expect(cleanRow("f.csv", 2, row({ title: "Gift Card $50" }))).toEqual({ skip: "gift card" });
  });

  it("names the file, line and column of a row it cannot read", () => {
    const failure = (overrides: Record<string, string>) => {
      try {
        cleanRow("orders.csv", 17, row(overrides));
      } catch (error) {
        return (error as ImportFormatError).message;
      }
      return "no error";
    };
    expect(failure({ created_at: "01/12/2010" })).toBe(
      'orders.csv, line 17, column created_at: expected an ISO 8601 date such as 2011-03-01T10:30:00Z, found "01/12/2010"',
    );
    expect(failure({ product_id: " " })).toBe("orders.csv, line 17, column product_id: expected a product id, found nothing");
    expect(failure({ quantity: "six" })).toMatch(
      /line 17, column quantity: expected a whole number \(negative for a return\), found "six"/,
    );
    expect(failure({ quantity: "1.5" })).toMatch(/line 17, column quantity: expected a whole number, found "1.5"/);
  });

  it("renames columns with --map and names missing or unknown ones", () => {
    const map = parseColumnMap("InvoiceNo=order_id, StockCode=product_id");
    expect(normaliseHeader("f.csv", ["InvoiceNo", "StockCode", "Customer_ID", "Quantity", "Price", "Created_At"], map)).toEqual([
      "order_id",
      "product_id",
      "customer_id",
      "quantity",
      "price",
      "created_at",
    ]);
    expect(() => normaliseHeader("f.csv", ["InvoiceNo", "Qty"], map)).toThrow(
      /f\.csv, line 1: the header lacks customer_id, product_id, quantity, price, created_at/,
    );
    expect(() => parseColumnMap("InvoiceNo")).toThrow(/"InvoiceNo" must look like SourceColumn=target_column/);
    expect(() => parseColumnMap("A=order_number")).toThrow(/"order_number" is not a column of the import format/);
  });
});
