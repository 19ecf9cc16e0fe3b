import fs from "node:fs";
import path from "node:path";
import { check } from "@shopify/theme-check-node";
import { describe, expect, it } from "vitest";
import { StorefrontLiquid } from "../storefront-harness/liquid";
import { FRANCE, PRIMARY_MARKET } from "../storefront-harness/markets";
import { marketGlobals } from "../storefront-harness/objects";

const EXTENSION = path.resolve(import.meta.dirname, "../extensions/affinity-blocks");
const read = (...parts: string[]) => fs.readFileSync(path.join(EXTENSION, ...parts), "utf8");
const json = (...parts: string[]) => JSON.parse(read(...parts)) as Record<string, unknown>;
const blockFiles = fs.readdirSync(path.join(EXTENSION, "blocks")).filter((file) => file.endsWith(".liquid"));

/** Every dotted key of a nested translation object. */
function keys(node: unknown, prefix = ""): string[] {
  if (typeof node !== "object" || node === null) return [prefix];
  return Object.entries(node).flatMap(([key, value]) => keys(value, prefix ? `${prefix}.${key}` : key));
}

describe("the theme app extension", () => {
  it("keeps the script within 10 KB and the stylesheet within 6 KB, before compression", () => {
    expect(fs.statSync(path.join(EXTENSION, "assets/affinity.js")).size).toBeLessThanOrEqual(10 * 1024);
    expect(fs.statSync(path.join(EXTENSION, "assets/affinity.css")).size).toBeLessThanOrEqual(6 * 1024);
  });

  it("passes Shopify's theme check with no errors", async () => {
    const offenses = await check(EXTENSION);
    const errors = offenses
      .filter((offense) => offense.severity === 0)
      .map((offense) => `${offense.check} ${offense.uri}: ${offense.message}`);
    expect(errors).toEqual([]);
  }, 60_000);

  it("has the six blocks, each loading the shared script and stylesheet", () => {
    expect(blockFiles.sort()).toEqual([
      "also-like.liquid",
      "bought-together.liquid",
      "buy-again.liquid",
      "recently-viewed.liquid",
      "recommended-for-you.liquid",
      "trending.liquid",
    ]);
    for (const file of blockFiles) {
      const schema = JSON.parse(/{% schema %}([\s\S]*){% endschema %}/.exec(read("blocks", file))![1]) as {
        javascript: string;
        stylesheet: string;
        settings: { id: string }[];
      };
      expect(schema, file).toMatchObject({ target: "section", javascript: "affinity.js", stylesheet: "affinity.css" });
      expect(
        schema.settings.map((setting) => setting.id),
        file,
      ).toEqual([
        "heading",
        "limit",
        "layout",
        "columns_desktop",
        "columns_mobile",
        "image_ratio",
        "show_price",
        "show_compare_at_price",
        "show_add_to_cart",
      ]);
    }
  });

  it("translates every storefront string into English, Spanish and French, and every setting label into English and Spanish", () => {
    expect(keys(json("locales/es.json")).sort()).toEqual(keys(json("locales/en.default.json")).sort());
    expect(keys(json("locales/fr.json")).sort()).toEqual(keys(json("locales/en.default.json")).sort());
    expect(keys(json("locales/es.schema.json")).sort()).toEqual(keys(json("locales/en.default.schema.json")).sort());
    const schemaKeys = new Set(keys(json("locales/en.default.schema.json")));
    const storefrontKeys = new Set(keys(json("locales/en.default.json")));
    const sources = [...blockFiles.map((file) => read("blocks", file)), read("snippets/affinity-block.liquid")].join("\n");
    for (const [, key] of sources.matchAll(/"t:([\w.]+)"/g)) expect(schemaKeys, key).toContain(key);
    for (const [, key] of sources.matchAll(/'([\w.]+)' \| t\b/g)) expect(storefrontKeys, key).toContain(key);
  });

  it("asks the app proxy under the shopper's locale for the Liquid answer, with the page's money format for totals", async () => {
    const liquid = new StorefrontLiquid();
    const schema = liquid.schema("bought-together");
    for (const [market, proxy] of [
      [PRIMARY_MARKET, "/apps/affinity"],
      [FRANCE, "/fr/apps/affinity"],
    ] as const) {
      const globals = { cart: { currency: { iso_code: market.currency.iso_code } }, ...marketGlobals(market, market.language.iso_code) };
      const html = await liquid.render(
        "bought-together",
        { block: { id: "b1", settings: liquid.settings(schema), shopify_attributes: "" } },
        globals,
      );
      const options = JSON.parse(/<script type="application\/json" data-afr-options>([\s\S]*?)<\/script>/.exec(html)![1]);
      const money = new Intl.NumberFormat(market.language.iso_code, { style: "currency", currency: market.currency.iso_code });
      expect(options, market.handle).toMatchObject({ proxy, moneySample: money.format(1234567.89) });
    }
    expect(read("assets/affinity.js")).toContain('format: "liquid"');
  });
});
