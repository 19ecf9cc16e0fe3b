import { describe, expect, it } from "vitest";
import { htmlToText, orderPayload, parseShopifyJson, splitTags } from "./shopify-payloads";

describe("Shopify payloads", () => {
  it("keeps 64-bit ids exact where JSON.parse would round them", () => {
    const raw =
      '{"id":820982911946154508,"customer":{"id":115310627314723954},"line_items":[{"id":1,"product_id":632910392}],"total":12345678901234567}';
    expect(JSON.parse(raw).id).toBe(820982911946154500);
    expect(parseShopifyJson(raw)).toEqual({
      id: "820982911946154508",
      customer: { id: "115310627314723954" },
      line_items: [{ id: 1, product_id: 632910392 }],
      total: "12345678901234567",
    });
    expect(parseShopifyJson('{"note":"call 12345678901234567, \\"x\\" 5","n":[1234567890123456789],"p":1.5e3}')).toEqual({
      note: 'call 12345678901234567, "x" 5',
      n: ["1234567890123456789"],
      p: 1500,
    });
  });

  it("reads an order as Shopify sends it and names what is missing", () => {
    const parsed = orderPayload.parse(
      parseShopifyJson('{"id":1,"created_at":"2026-11-01T10:00:00-05:00","line_items":[{"id":2,"quantity":1,"price":"9.50"}]}'),
    );
    expect(parsed).toMatchObject({ id: "1", created_at: new Date("2026-11-01T15:00:00Z"), line_items: [{ id: "2", price: 9.5 }] });
    const failed = orderPayload.safeParse({ id: 1 });
    expect(failed.success).toBe(false);
    expect(failed.error!.issues.map((issue) => issue.path.join("."))).toEqual(["created_at", "line_items"]);
  });

  it("splits tags and strips HTML", () => {
    expect(splitTags(" Summer, Beach ,,")).toEqual(["summer", "beach"]);
    expect(htmlToText("<p>Soft &amp; warm&nbsp;<b>wool</b></p>")).toBe("Soft & warm wool");
  });
});
