import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyText, badText, runs, unstorableTexts } from "../../../test/fuzz/arbitraries";
import { cleanRow, ImportFormatError, OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from "./order-rows";

const COLUMNS = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
const good = {
  order_id: "536365",
  customer_id: "17850",
  product_id: "85123A",
  quantity: "6",
  price: "2.55",
  created_at: "2010-12-01 08:26:00",
  title: "WHITE HANGING HEART",
  description: "A heart",
  product_type: "Decor",
  vendor: "Acme",
  tags: "home|gift",
  country: "United Kingdom",
  currency: "gbp",
};

describe("order import rows", () => {
  it("fails a row at a cell with a NUL or lone surrogate, naming its line and column", () => {
    fc.assert(
      fc.property(fc.constantFrom(...COLUMNS), badText, (column, bad) => {
        expect(() => cleanRow("orders.csv", 7, { ...good, [column]: bad })).toThrow(
          new RegExp(`^orders\\.csv, line 7, column ${column}: `),
        );
      }),
      runs(500),
    );
  });

  it("never throws anything but ImportFormatError, and a clean line's texts can be stored", () => {
    fc.assert(
      fc.property(
        fc.record(Object.fromEntries(COLUMNS.map((column) => [column, fc.oneof(anyText, fc.constant(good[column]))])), {
          requiredKeys: [],
        }),
        (row) => {
          try {
            const line = cleanRow("orders.csv", 2, row as Record<string, string>);
            expect(unstorableTexts(line)).toEqual([]);
          } catch (error) {
            expect(error).toBeInstanceOf(ImportFormatError);
            expect((error as ImportFormatError).line).toBe(2);
          }
        },
      ),
      runs(3_000),
    );
  });
});
