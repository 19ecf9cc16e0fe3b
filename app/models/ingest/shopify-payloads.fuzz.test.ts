import fc from "fast-check";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import { anyJson, badText, expectStorableOrFieldErrors, leafPaths, mutated, replaceAt, runs } from "../../../test/fuzz/arbitraries";
import { WEBHOOK_EXAMPLES } from "../../../test/fuzz/webhook-payloads";
import { textProblem } from "../../text-input.server";
import {
  customerPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  deletedPayload,
  inventoryLevelPayload,
  orderPayload,
  parseShopifyJson,
  productPayload,
  refundPayload,
  shopRedactPayload,
} from "./shopify-payloads";

const SCHEMAS: Record<string, z.ZodType> = {
  "orders/create": orderPayload,
  "orders/updated": orderPayload,
  "orders/cancelled": orderPayload,
  "products/create": productPayload,
  "products/update": productPayload,
  "products/delete": deletedPayload,
  "customers/create": customerPayload,
  "customers/update": customerPayload,
  "refunds/create": refundPayload,
  "inventory_levels/update": inventoryLevelPayload,
  "customers/data_request": customersDataRequestPayload,
  "customers/redact": customersRedactPayload,
  "shop/redact": shopRedactPayload,
};

const valueAt = (example: object, path: (string | number)[]) => path.reduce<any>((node, key) => node[key], example);

describe.each(Object.keys(SCHEMAS))("the %s payload", (topic) => {
  const schema = SCHEMAS[topic];
  // As ingest reads it: REST ids beyond 2^53 are kept as exact strings.
  const example = parseShopifyJson(JSON.stringify(WEBHOOK_EXAMPLES[topic])) as object;

  it("reads the documented payload", () => {
    expect(schema.safeParse(example).success).toBe(true);
  });

  it("refuses a NUL or lone surrogate in every text field, with an issue that can be stored and names the field", () => {
    const texts = leafPaths(example).filter(
      (path) => typeof valueAt(example, path) === "string" || typeof valueAt(example, path) === "number",
    );
    fc.assert(
      fc.property(fc.constantFrom(...texts), badText, (path, bad) => {
        const parsed = schema.safeParse(replaceAt(example, path, bad));
        expect(parsed.success, path.join(".")).toBe(false);
        for (const issue of parsed.error!.issues) expect(textProblem(`${issue.path.join(".")}: ${issue.message}`, 10_000)).toBeNull();
        expect(parsed.error!.issues.map((issue) => issue.path.join("."))).toContain(path.join("."));
      }),
      runs(300),
    );
  });

  it("never throws: any payload parses to storable data or to issues", () => {
    fc.assert(
      fc.property(fc.oneof(mutated([example]), anyJson), (body) => expectStorableOrFieldErrors(schema.safeParse(body))),
      runs(1_000),
    );
  });
});

describe("parseShopifyJson", () => {
  it("reads any JSON as JSON.parse does, apart from long integers, and throws nothing but SyntaxError", () => {
    const noLongNumbers = fc.jsonValue({ maxDepth: 3 }).filter((value) => !/\d{16}/.test(JSON.stringify(value)));
    fc.assert(
      fc.property(noLongNumbers, (value) => {
        expect(parseShopifyJson(JSON.stringify(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      runs(2_000),
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (raw) => {
        try {
          parseShopifyJson(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(SyntaxError);
        }
      }),
      runs(2_000),
    );
  });
});
