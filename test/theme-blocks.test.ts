import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_BLOCKS, APP_HANDLE, addBlockLink, placementsFromAppBridge, blocksReport } from "../app/models/admin/theme-blocks";
import { demoThemeBlocks, detectThemeBlocks, themeBlocksStatus } from "../app/models/theme-blocks.server";
import { adminApi } from "../app/shopify/admin-api.server";
import { startFakeAdmin, type FakeAdmin } from "./fakes/shopify-admin";

const TOKEN = "shpat_theme_blocks";
const SHOP = "theme-blocks.myshopify.com";
const API_KEY = "0123456789abcdef";
const saved = { ...process.env };
const block = (handle: string, extra: Record<string, unknown> = {}) => ({
  type: `shopify://apps/${APP_HANDLE}/blocks/${handle}/4c8e2f0a-1b3d-4e5f-9a7b-2c6d8e0f1a3b`,
  settings: {},
  ...extra,
});

// Shopify writes this comment above generated templates; the detector must read past it.
const GENERATED =
  "/*\n * ------------------------------------------------------------\n * IMPORTANT: The contents of this file are auto-generated.\n * ------------------------------------------------------------\n */\n";
const THEME_FILES = [
  {
    filename: "templates/product.json",
    content:
      GENERATED +
      JSON.stringify({
        sections: {
          main: {
            type: "main-product",
            blocks: {
              title: { type: "title" },
              together: block("bought-together"),
              other_app: { type: "shopify://apps/judge-me-reviews/blocks/preview_badge/61ccd3b1-a9f2-4160-9fe9-4fec8413e5d8" },
            },
          },
          also: { type: "apps", disabled: true, blocks: { like: block("also-like") } },
        },
        order: ["main", "also"],
      }),
  },
  {
    filename: "templates/index.json",
    content: JSON.stringify({
      sections: { apps: { type: "apps", blocks: { you: block("recommended-for-you"), trend: block("trending", { disabled: true }) } } },
      order: ["apps"],
    }),
  },
  {
    filename: "templates/product.alternate.json",
    content: JSON.stringify({
      sections: { main: { type: "main-product", blocks: { together: block("bought-together") } } },
      order: ["main"],
    }),
  },
  {
    filename: "templates/customers/account.json",
    content: JSON.stringify({ sections: { main: { type: "main-account" } }, order: ["main"] }),
  },
  { filename: "templates/product.liquid", content: "{% section 'main-product' %}" },
  {
    filename: "sections/header-group.json",
    content: JSON.stringify({
      type: "header",
      name: "Header",
      sections: { rv: { type: "apps", blocks: { seen: block("recently-viewed") } } },
      order: ["rv"],
    }),
  },
  {
    filename: "config/settings_data.json",
    content: JSON.stringify({ current: { blocks: { embed: { type: "shopify://apps/another-app/blocks/embed/abc", disabled: false } } } }),
  },
];

describe("the app's blocks in the live theme", () => {
  let fake: FakeAdmin;
  beforeAll(async () => {
    fake = await startFakeAdmin({
      accessToken: TOKEN,
      store: { products: [], customers: [], orders: [] },
      themes: [
        {
          id: "gid://shopify/OnlineStoreTheme/2",
          name: "Draft",
          role: "UNPUBLISHED",
          files: [
            {
              filename: "templates/index.json",
              content: JSON.stringify({ sections: { a: { type: "apps", blocks: { b: block("buy-again") } } } }),
            },
          ],
        },
        { id: "gid://shopify/OnlineStoreTheme/1", name: "Dawn", role: "MAIN", files: THEME_FILES },
      ],
    });
    process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
  });
  afterAll(async () => {
    process.env = { ...saved };
    await fake?.close();
  });

  it("finds this app's enabled blocks per template in the main theme, tells disabled ones apart and ignores other apps", async () => {
    const report = await detectThemeBlocks(adminApi(SHOP, TOKEN), { shopDomain: SHOP, apiKey: API_KEY });
    expect(report.themeName).toBe("Dawn");
    const byHandle = Object.fromEntries(report.blocks.map((entry) => [entry.handle, { live: entry.live, disabled: entry.disabled }]));
    expect(byHandle).toEqual({
      "recommended-for-you": { live: ["index"], disabled: [] },
      trending: { live: [], disabled: ["index"] },
      // Only in the unpublished theme: not live.
      "buy-again": { live: [], disabled: [] },
      "bought-together": { live: ["product", "product.alternate"], disabled: [] },
      // Its section is turned off.
      "also-like": { live: [], disabled: ["product"] },
      "recently-viewed": { live: ["header-group"], disabled: [] },
    });
    // The query the Admin API was asked: the main theme's JSON files, as documented.
    const request = fake.requests.at(-1)!;
    expect(request.query).toMatch(/themes\(first: 1, roles: \[MAIN\]\)/);
    expect(request.variables.filenames).toContain("templates/*.json");
  });

  it("links a missing block to the theme editor with the app block deep link", () => {
    const link = new URL(addBlockLink(SHOP, API_KEY, "bought-together", "product"));
    expect(link.origin + link.pathname).toBe(`https://${SHOP}/admin/themes/current/editor`);
    expect(Object.fromEntries(link.searchParams)).toEqual({
      template: "product",
      addAppBlockId: `${API_KEY}/bought-together`,
      target: "mainSection",
    });
    expect(new URL(addBlockLink(SHOP, API_KEY, "trending", "index")).searchParams.get("target")).toBe("newAppsSection");
  });

  it("reads App Bridge's activations the same way", () => {
    const placements = placementsFromAppBridge([
      { handle: "affinity-pixel", type: "ui_extension", activations: [{ target: "purchase.thank-you.block.render" }] },
      {
        handle: "affinity-blocks",
        type: "theme_app_extension",
        activations: [
          {
            handle: "bought-together",
            target: "section",
            status: "active",
            activations: [
              { target: "template--product/main/affinity_bought_together_GPzUYy", themeId: "gid://shopify/OnlineStoreTheme/1" },
            ],
          },
          { handle: "trending", target: "section", status: "available", activations: [] },
        ],
      },
    ]);
    const report = blocksReport(placements, { shopDomain: SHOP, apiKey: API_KEY, source: "app-bridge", themeName: null });
    expect(report.blocks.find((entry) => entry.handle === "bought-together")!.live).toEqual(["product"]);
    expect(report.blocks.find((entry) => entry.handle === "trending")!.live).toEqual([]);
  });

  it("says why when the theme cannot be read, and shows the demo store's blocks without calling Shopify", async () => {
    const denied = await themeBlocksStatus(async () => adminApi("other.myshopify.com", "wrong-token"), {
      shopDomain: "other.myshopify.com",
      apiKey: API_KEY,
    });
    expect(denied.problem).toBe("unreachable");
    expect(denied.blocks.every((entry) => entry.live.length === 0)).toBe(true);
    const requests = fake.requests.length;
    const demo = demoThemeBlocks({ shopDomain: "demo.myshopify.com", apiKey: API_KEY });
    expect(fake.requests.length).toBe(requests);
    expect(demo.source).toBe("demo");
    expect(demo.blocks.every((entry) => entry.live.length > 0)).toBe(true);
  });

  it("knows every block of the extension, under the app's handle", () => {
    const files = fs
      .readdirSync(path.resolve(import.meta.dirname, "../extensions/affinity-blocks/blocks"))
      .map((file) => file.replace(/\.liquid$/, ""));
    expect(APP_BLOCKS.map((entry) => entry.handle).sort()).toEqual(files.sort());
    const toml = fs.readFileSync(path.resolve(import.meta.dirname, "../shopify.app.toml"), "utf8");
    expect(/^handle = "([^"]+)"/m.exec(toml)?.[1]).toBe(APP_HANDLE);
    expect(/^scopes = "([^"]+)"/m.exec(toml)?.[1].split(",")).toContain("read_themes");
  });
});
