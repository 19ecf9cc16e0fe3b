import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyJson, badText, expectStorableOrFieldErrors, mutated, replaceAt, runs } from "../../test/fuzz/arbitraries";
import { fieldErrors } from "../json-body.server";
import { recommendationEventBody } from "./measurement.server";

const event = {
  token: "eyJzIjoic2hvcCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
  kind: "impression",
  productIds: ["632910392", 921728736],
  visitor: "b7d2c1e0-client",
};

describe("the recommendation event body", () => {
  it("refuses a NUL or lone surrogate in the token, a product id or the visitor, naming the field", () => {
    fc.assert(
      fc.property(fc.constantFrom<(string | number)[]>(["token"], ["productIds", 0], ["visitor"]), badText, (path, bad) => {
        const parsed = recommendationEventBody.safeParse(replaceAt(event, path, path[0] === "token" ? `${bad}${"x".repeat(10)}` : bad));
        expect(parsed.success).toBe(false);
        expect(fieldErrors(parsed.error!).map((error) => error.field)).toContain(path.join("."));
      }),
      runs(500),
    );
  });

  it("never throws: any body parses to storable data or to field errors", () => {
    expect(recommendationEventBody.safeParse(event).success).toBe(true);
    fc.assert(
      fc.property(fc.oneof(mutated([event]), anyJson), (body) => expectStorableOrFieldErrors(recommendationEventBody.safeParse(body))),
      runs(3_000),
    );
  });
});
