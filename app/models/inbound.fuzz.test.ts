import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  anyJson,
  badText,
  expectStorableOrFieldErrors,
  leafPaths,
  mutated,
  replaceAt,
  runs,
  unstorableTexts,
} from "../../test/fuzz/arbitraries";
import { fieldErrors } from "../json-body.server";
import { AdapterPayloadError, adapterEvents, type AdapterName } from "./inbound-adapters.server";
import { inboundBody } from "./inbound.server";

const own = {
  events: [
    { id: "w-1", kind: "wishlist_add", customer_id: "7000000001", product_id: 8000000042, occurred_at: "2026-11-20T10:00:00Z" },
    { kind: "review", customer_id: 7000000001, product_id: "8000000042", rating: 2, occurred_at: "2026-11-20T10:00:00+01:00" },
  ],
};
const review = {
  id: 88123,
  title: "Chipped",
  rating: 2,
  product_external_id: "632910392",
  reviewer: { id: 55, external_id: "7100000001", email: "ana@example.com", name: "Ana" },
  created_at: "2026-11-22T08:00:00.000Z",
};
const swymFlat = {
  Event: "Swym-addToWishlist",
  EventTime: "2026-11-23T07:42:48Z",
  Medium: "email",
  MediumValue: "Ana@Example.com",
  ListId: "6dgey862",
  ProductId: 921728736,
};
const swymNested = {
  EventName: "Swym-removeWishlist",
  EventTime: "2026-11-24T07:42:48Z",
  User: { UserId: "7shd3456", Medium: "email", MediumValue: "ana@example.com" },
  Product: { ProductId: "921728736" },
  List: { Id: "6dgey862" },
};
const EXAMPLES: Record<AdapterName, object[]> = { judgeme: [{ review }, review], swym: [swymFlat, swymNested] };

/** What an adapter gives for any body: its events (with texts that can be stored), or the payload error naming fields. */
function readAdapter(adapter: AdapterName, body: unknown) {
  try {
    const { events } = adapterEvents(adapter, body);
    expect(unstorableTexts(events)).toEqual([]);
    return { events };
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterPayloadError);
    expect((error as AdapterPayloadError).errors.length).toBeGreaterThan(0);
    return { errors: (error as AdapterPayloadError).errors };
  }
}

const stringPaths = (example: object) =>
  leafPaths(example).filter(
    (path) =>
      typeof path.reduce<any>((node, key) => node[key], example) === "string" &&
      !/^(kind|occurred_at|created_at|EventTime|Event|EventName)$/.test(String(path.at(-1))),
  );

describe("inbound events in Affinity's own format", () => {
  it("refuses a NUL or lone surrogate in every text, naming the field", () => {
    fc.assert(
      fc.property(fc.constantFrom(...stringPaths(own)), badText, (path, bad) => {
        const parsed = inboundBody.safeParse(replaceAt(own, path, bad));
        expect(fieldErrors(parsed.error!).map((error) => error.field)).toContain(path.join("."));
      }),
      runs(500),
    );
  });

  it("never throws: any body parses to storable events or to field errors", () => {
    expect(inboundBody.safeParse(own).success).toBe(true);
    fc.assert(
      fc.property(fc.oneof(mutated([own]), anyJson), (body) => expectStorableOrFieldErrors(inboundBody.safeParse(body))),
      runs(3_000),
    );
  });
});

describe.each(Object.keys(EXAMPLES) as AdapterName[])("the %s adapter", (adapter) => {
  it("reads the app's documented payloads", () => {
    for (const example of EXAMPLES[adapter])
      expect(readAdapter(adapter, example)).toEqual({ events: [expect.objectContaining({ productId: expect.any(String) })] });
  });

  it("refuses a NUL or lone surrogate in every text it keeps, naming the field", () => {
    const cases = EXAMPLES[adapter].flatMap((example) => stringPaths(example).map((path) => [example, path] as const));
    fc.assert(
      fc.property(fc.constantFrom(...cases), badText, ([example, path], bad) => {
        const read = readAdapter(adapter, replaceAt(example, path, bad));
        // Fields the adapter does not read (a review's title, the reviewer's name) are dropped unread.
        if ("events" in read) expect(JSON.stringify(read.events)).not.toContain(JSON.stringify(bad).slice(1, -1));
        else expect(read.errors.map((error) => error.field).join(" ")).toContain(String(path.at(-1)));
      }),
      runs(500),
    );
  });

  it("never throws anything but its payload error, for any body", () => {
    fc.assert(
      fc.property(fc.oneof(mutated(EXAMPLES[adapter]), anyJson), (body) => void readAdapter(adapter, body)),
      runs(3_000),
    );
  });
});
