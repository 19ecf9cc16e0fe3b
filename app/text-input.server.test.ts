import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyText, badText, runs } from "../test/fuzz/arbitraries";
import { parseDecimalInteger, quoted, readFormText, readShopperId, storedText, textProblem } from "./text-input.server";

describe("text that may be stored", () => {
  it("refuses NUL, lone surrogates and overlong text, naming the problem", () => {
    expect(textProblem("Tent \u00e9\ud83c\udfd5", 10)).toBeNull();
    expect(textProblem("a\u0000b", 10)).toContain("NUL");
    expect(textProblem("\ud800", 10)).toContain("lone surrogate");
    expect(textProblem("x\udfff", 10)).toContain("lone surrogate");
    expect(textProblem("abcdef", 5)).toBe("must be at most 5 characters (found 6)");
    const schema = storedText(8).trim().min(1);
    expect(schema.parse("  ok  ")).toBe("ok");
    expect(schema.safeParse("o\u0000k").error?.issues).toEqual([
      expect.objectContaining({ code: "custom", message: expect.stringContaining("NUL") }),
    ]);
  });

  it("accepts exactly the texts without NUL or lone surrogates, and never throws", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = storedText(1_000).safeParse(text);
        const hasLoneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
        expect(parsed.success).toBe(!text.includes("\u0000") && !hasLoneSurrogate && text.length <= 1_000);
      }),
      runs(2_000),
    );
  });

  it("quotes any value so that the message itself can be stored", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, badText), (text) => {
        expect(textProblem(quoted(text), 1_000)).toBeNull();
      }),
      runs(1_000),
    );
    expect(quoted("x".repeat(100), 5)).toBe('"xxxxx…"');
  });
});

describe("decimal integers", () => {
  it("reads decimal digits only", () => {
    expect(parseDecimalInteger("8")).toBe(8);
    expect(parseDecimalInteger("08")).toBe(8);
    expect(parseDecimalInteger("-3")).toBe(-3);
    for (const text of ["0x10", "1e1", " 8", "8 ", "+8", "8.0", "", "Infinity", "0b1", "1_000", "١٢"])
      expect(parseDecimalInteger(text), text).toBeNull();
  });

  it("agrees with Number on decimal digits and refuses everything else", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.integer().map(String), fc.double().map(String)), (text) => {
        const value = parseDecimalInteger(text);
        if (/^-?\d{1,15}$/.test(text)) expect(value).toBe(Number(text));
        else expect(value).toBeNull();
      }),
      runs(2_000),
    );
  });
});

describe("the shopper named in a query string", () => {
  it("is trimmed, null when absent, or a 400 naming the field", () => {
    expect(readShopperId(new URLSearchParams("customer_id=%207001%20"), "customer_id")).toEqual({ shopperId: "7001" });
    expect(readShopperId(new URLSearchParams(""), "customer_id")).toEqual({ shopperId: null });
    expect(readShopperId(new URLSearchParams("logged_in_customer_id=7%00"), "logged_in_customer_id")).toEqual({
      status: 400,
      body: { error: "the request is not valid", errors: [{ field: "logged_in_customer_id", message: expect.stringContaining("NUL") }] },
    });
  });

  it("never throws, and an id it gives can be stored", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const read = readShopperId(new URLSearchParams({ customer_id: text }), "customer_id");
        if ("shopperId" in read) expect(read.shopperId === null || textProblem(read.shopperId, 255) === null).toBe(true);
        else expect(read.body.errors[0].field).toBe("customer_id");
      }),
      runs(1_000),
    );
  });
});

describe("a text field of a posted form", () => {
  const form = (entries: Record<string, string | Blob>) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(entries)) data.append(name, value);
    return data;
  };

  it("is the value as sent, empty when absent, or an error naming the field", () => {
    expect(readFormText(form({ id: " cm1 " }), "id", 255)).toEqual({ value: " cm1 " });
    expect(readFormText(form({}), "id", 255)).toEqual({ value: "" });
    expect(readFormText(form({ id: "cm1\u0000" }), "id", 255)).toEqual({
      error: { field: "id", message: "must not contain the NUL character (U+0000)" },
    });
    expect(readFormText(form({ id: "x".repeat(256) }), "id", 255)).toEqual({
      error: { field: "id", message: "must be at most 255 characters (found 256)" },
    });
    expect(readFormText(form({ id: new Blob(["cm1"]) }), "id", 255)).toEqual({
      error: { field: "id", message: "must be text, not a file" },
    });
  });

  it("never throws, and a value it gives can be stored", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const read = readFormText(form({ id: text }), "id", 255);
        if ("value" in read) expect(textProblem(read.value, 255)).toBeNull();
        else expect(read.error.field).toBe("id");
      }),
      runs(1_000),
    );
  });
});
