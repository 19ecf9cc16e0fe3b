import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyJson, badText, expectStorableOrFieldErrors, leafPaths, mutated, replaceAt, runs } from "../../test/fuzz/arbitraries";
import { fieldErrors } from "../json-body.server";
import { pixelBatch } from "./pixel.server";

const batch = {
  shop: "store.myshopify.com",
  key: "pixel-key-0123456789",
  clientId: "b7d2c1e0-client",
  consent: { analytics: true },
  events: [
    { id: "sh-1", kind: "view", at: "2026-11-20T10:00:00Z", productId: "632910392" },
    { id: "sh-2", kind: "add_to_cart", at: "2026-11-20T10:01:00+01:00", productId: 921728736, quantity: 2 },
    { id: "sh-3", kind: "search", at: "2026-11-20T10:02:00Z", query: "lantern" },
    { id: "sh-4", kind: "purchase", at: "2026-11-20T10:03:00Z", productIds: ["1", 2], orderId: "450789469", checkoutToken: "c1-5a8f0e" },
  ],
};
const textPaths = leafPaths(batch).filter(
  (path) =>
    typeof path.reduce<any>((node, key) => node[key], batch) === "string" && !["kind", "at"].includes(String(path[path.length - 1])),
);

describe("pixel batches", () => {
  it("reads the pixel's batch", () => {
    expect(pixelBatch.safeParse(batch).success).toBe(true);
  });

  it("refuses a NUL or lone surrogate in every text it keeps, naming the field", () => {
    fc.assert(
      fc.property(fc.constantFrom(...textPaths), badText, (path, bad) => {
        const parsed = pixelBatch.safeParse(replaceAt(batch, path, bad));
        expect(parsed.success).toBe(false);
        expect(fieldErrors(parsed.error!).map((error) => error.field)).toContain(path.join("."));
      }),
      runs(500),
    );
  });

  it("never throws: any body parses to storable data or to field errors", () => {
    fc.assert(
      fc.property(fc.oneof(mutated([batch]), anyJson), (body) => expectStorableOrFieldErrors(pixelBatch.safeParse(body))),
      runs(3_000),
    );
  });
});
