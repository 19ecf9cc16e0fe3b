import fs from "node:fs";
import path from "node:path";
import { Liquid, Tag, type Context, type Emitter, type TagToken, type TopLevelToken } from "liquidjs";
import { setting } from "../app/config/env.server";

/** The theme app extension the harness renders, and the harness's own small theme around it. */
export const EXTENSION_DIR = path.resolve(import.meta.dirname, "../extensions/affinity-blocks");
const THEME_DIR = path.resolve(import.meta.dirname, "theme");

export interface BlockSchema {
  name: string;
  target: string;
  javascript?: string;
  stylesheet?: string;
  enabled_on?: { templates?: string[] };
  settings: { id: string; type: string; default?: unknown }[];
}

/** An image as Liquid sees one (product.featured_image). */
export interface LiquidImage {
  src: string;
  alt: string;
  width: number;
  height: number;
}

/**
 * Liquid as Shopify's storefront renders app blocks, for the blocks of extensions/affinity-blocks:
 * `{% schema %}` is read, not printed; `render` finds the extension's snippets; and the Shopify
 * filters the blocks use (t, money, json, image_url, image_tag, asset_url) behave like Shopify's.
 */
export class StorefrontLiquid {
  readonly engine: Liquid;
  private readonly translations = new Map<string, Record<string, unknown>>();
  private readonly schemas = new Map<string, BlockSchema>();
  /** Templates and block schemas are read once in production, and on every page otherwise (edits show at once). */
  private readonly cache = setting("NODE_ENV") === "production";

  constructor() {
    this.engine = new Liquid({
      root: [path.join(EXTENSION_DIR, "blocks"), THEME_DIR],
      partials: path.join(EXTENSION_DIR, "snippets"),
      extname: ".liquid",
      strictFilters: true,
      cache: this.cache,
    });
    this.engine.registerTag("schema", SchemaTag);
    this.engine.registerTag("layout", LayoutTag);
    this.registerFilters();
  }

  /** A block's `{% schema %}` JSON. */
  schema(blockFile: string): BlockSchema {
    const cached = this.schemas.get(blockFile);
    if (cached) return cached;
    const source = fs.readFileSync(path.join(EXTENSION_DIR, "blocks", `${blockFile}.liquid`), "utf8");
    const match = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/.exec(source);
    if (!match) throw new Error(`blocks/${blockFile}.liquid has no {% schema %}`);
    const schema = JSON.parse(match[1]) as BlockSchema;
    if (this.cache) this.schemas.set(blockFile, schema);
    return schema;
  }

  /** A block's settings: the schema's defaults, with the given ones on top. */
  settings(schema: BlockSchema, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { ...Object.fromEntries(schema.settings.map((setting) => [setting.id, setting.default ?? null])), ...overrides };
  }

  /**
   * Renders a template. `globals` are Shopify's global objects (shop, customer, cart, request,
   * product on a product page): visible in snippets too, which otherwise see only what they are passed.
   */
  async render(template: string, scope: Record<string, unknown>, globals: Record<string, unknown>): Promise<string> {
    return this.engine.renderFile(template, scope, { globals });
  }

  /** Renders Liquid that is not a file: what an app proxy answers as application/liquid. */
  async renderText(source: string, globals: Record<string, unknown>): Promise<string> {
    return this.engine.parseAndRender(source, {}, { globals });
  }

  /** The storefront strings of one locale (locales/<code>.json, or en.default.json). */
  private strings(locale: string): Record<string, unknown> {
    let strings = this.translations.get(locale);
    if (!strings) {
      const localesDir = path.join(EXTENSION_DIR, "locales");
      const file = fs.existsSync(path.join(localesDir, `${locale}.json`)) ? `${locale}.json` : "en.default.json";
      strings = JSON.parse(fs.readFileSync(path.join(localesDir, file), "utf8")) as Record<string, unknown>;
      this.translations.set(locale, strings);
    }
    return strings;
  }

  private registerFilters() {
    const harness = this;
    this.engine.registerFilter("t", function (this: { context: Context }, key: string) {
      const locale = String((this.context.getSync(["request", "locale", "iso_code"]) as string | undefined) ?? "en");
      const value = key
        .split(".")
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], harness.strings(locale));
      return typeof value === "string" ? value : `translation missing: ${locale}.${key}`;
    });
    this.engine.registerFilter("json", (value: unknown) => JSON.stringify(value ?? null));
    this.engine.registerFilter("money", function (this: { context: Context }, cents: number) {
      const currency = String(this.context.getSync(["cart", "currency", "iso_code"]) ?? "USD");
      const locale = String(this.context.getSync(["request", "locale", "iso_code"]) ?? "en");
      return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(cents) / 100);
    });
    this.engine.registerFilter("asset_url", (file: string) => `/extension-assets/${file}`);
    this.engine.registerFilter("image_url", (image: LiquidImage | string, ...args: unknown[]) => {
      const options = namedArguments(args);
      return sizedUrl(typeof image === "string" ? image : image.src, Number(options.width ?? 0) || undefined);
    });
    this.engine.registerFilter("image_tag", (url: string, ...args: unknown[]) => {
      const options = namedArguments(args);
      const width = Number(new URL(url, "http://storefront").searchParams.get("width") ?? 0) || undefined;
      const widths = String(options.widths ?? "")
        .split(",")
        .map((value) => Number(value.trim()))
        .filter((value) => value > 0);
      const attributes: Record<string, string> = { src: url, alt: String(options.alt ?? "") };
      if (widths.length) attributes.srcset = widths.map((w) => `${sizedUrl(url, w)} ${w}w`).join(", ");
      if (width) Object.assign(attributes, { width: String(width), height: String(width) });
      if (options.loading) attributes.loading = String(options.loading);
      return `<img ${Object.entries(attributes)
        .map(([key, value]) => `${key}="${escapeAttribute(value)}"`)
        .join(" ")}>`;
    });
  }
}

/** liquidjs passes `name: value` filter arguments as [name, value] pairs. */
function namedArguments(args: unknown[]): Record<string, unknown> {
  return Object.fromEntries(args.filter((arg): arg is [string, unknown] => Array.isArray(arg) && arg.length === 2));
}

/** Shopify's CDN sizes images with ?width=; other images are used as they are. */
function sizedUrl(src: string, width?: number): string {
  if (!width || !/cdn\.shopify\.com\/|\/cdn\/shop\//.test(src)) return src;
  const url = new URL(src, "http://storefront");
  url.searchParams.set("width", String(width));
  return src.startsWith("/") ? `${url.pathname}${url.search}` : url.toString();
}

function escapeAttribute(value: string) {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** `{% layout none %}` (or a layout's name) in an app proxy's Liquid: read by the harness, prints nothing. */
export const LAYOUT_NONE = /{%-?\s*layout\s+none\s*-?%}/;
class LayoutTag extends Tag {
  *render(_context: Context, _emitter: Emitter) {}
}

/** `{% schema %}…{% endschema %}`: the block's settings for the theme editor; prints nothing. */
class SchemaTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    while (remainTokens.length) {
      const next = remainTokens.shift()!;
      if ((next as TagToken).name === "endschema") return;
    }
    throw new Error(`{% schema %} without {% endschema %}`);
  }
  *render(_context: Context, _emitter: Emitter) {}
}
