import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyText, badText, runs, unstorableTexts } from "../../../test/fuzz/arbitraries";
import { MAX_LIMIT, PLACEMENTS, readRecommendationQuery } from "./query.server";

const FIELDS = ["placement", "product_id", "cart", "limit", "visitor", "customer_id", "logged_in_customer_id"] as const;
const fieldsOf = (read: ReturnType<typeof readRecommendationQuery>) => ("errors" in read ? read.errors.map((error) => error.field) : []);

describe("readRecommendationQuery", () => {
  it("reads limit in decimal digits only", () => {
    expect(readRecommendationQuery(new URLSearchParams("limit=16"))).toMatchObject({ query: { limit: 16 } });
    for (const limit of ["0x10", "1e1", " 8", "+8", "8.0", "0b11", "Infinity"]) {
      expect(fieldsOf(readRecommendationQuery(new URLSearchParams({ limit }))), limit).toEqual(["limit"]);
    }
  });

  it("refuses a NUL in any text, naming the field (URLSearchParams already turns a lone surrogate into U+FFFD)", () => {
    expect(new URLSearchParams({ visitor: "a\ud800" }).get("visitor")).toBe("a\ufffd");
    for (const field of FIELDS) {
      for (const bad of ["7\u0000", "\u0000", " \u0000 x"]) {
        const params = new URLSearchParams({ placement: "related", product_id: "1", [field]: bad });
        expect(fieldsOf(readRecommendationQuery(params)), `${field}=${JSON.stringify(bad)}`).toEqual([field]);
      }
    }
    expect(fieldsOf(readRecommendationQuery(new URLSearchParams({ visitor: "v".repeat(129) })))).toEqual(["visitor"]);
    expect(fieldsOf(readRecommendationQuery(new URLSearchParams({ cart: `1,${"9".repeat(256)}` })))).toEqual(["cart"]);
  });

  it("never throws: any query gives a query whose texts can be stored, or errors that name its fields", () => {
    const value = fc.oneof(
      anyText,
      fc.constantFrom(...PLACEMENTS.map((placement) => placement.toLowerCase())),
      fc.integer({ min: -5, max: 60 }).map(String),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...FIELDS), value), (given) => {
        const read = readRecommendationQuery(new URLSearchParams(Object.entries(given)));
        if ("query" in read) {
          expect(unstorableTexts(read.query)).toEqual([]);
          expect(Number.isInteger(read.query.limit) && read.query.limit >= 1 && read.query.limit <= MAX_LIMIT).toBe(true);
          if (given.limit) expect(String(read.query.limit)).toBe(given.limit.replace(/^0+(?=\d)/, ""));
          expect(read.query.cart.length).toBeLessThanOrEqual(MAX_LIMIT);
        } else {
          expect(read.errors.length).toBeGreaterThan(0);
          for (const error of read.errors) expect(FIELDS).toContain(error.field);
        }
      }),
      runs(3_000),
    );
  });

  it("names a field holding a NUL, whatever the other fields hold", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIELDS),
        badText.map((text) => `${text}\u0000`),
        fc.dictionary(fc.constantFrom(...FIELDS), anyText),
        (field, bad, others) => {
          const read = readRecommendationQuery(new URLSearchParams({ ...others, [field]: bad }));
          expect(fieldsOf(read)).toContain(field);
        },
      ),
      runs(2_000),
    );
  });
});
