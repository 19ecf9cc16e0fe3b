import { randomUUID } from "node:crypto";
import type { PrismaClient, Shop } from "@prisma/client";
import type { Request, Response } from "express";
import { ensurePixelKey } from "../app/models/pixel.server";
import { Carts, type Cart } from "./cart";
import { Catalogue } from "./catalogue";
import { LAYOUT_NONE, StorefrontLiquid } from "./liquid";
import { MARKETS, MarketOffers, PRIMARY_MARKET, type Market } from "./markets";
import { AllProductsDrop, cartObject, marketGlobals, productObject } from "./objects";

/** Which blocks each page shows, in order (block file names in extensions/affinity-blocks/blocks). */
const PAGES = {
  index: ["recommended-for-you", "buy-again", "trending", "recently-viewed"],
  product: ["bought-together", "also-like", "recently-viewed"],
  cart: ["recommended-for-you"],
  account: ["buy-again", "recommended-for-you"],
} as const;

export type PageTemplate = keyof typeof PAGES | "login";

export interface Session {
  visitor: string;
  customerId: string | null;
  cart: Cart;
}

/** The market the URL named (the primary one without a prefix). */
export const urlMarket = (response: Response): Market => response.locals.market;

/**
 * The harness's store: the shop, its catalogue in every market, the shoppers' sessions and carts,
 * and the theme's pages rendered with Liquid.
 */
export class Storefront {
  readonly carts: Carts;
  readonly liquid: StorefrontLiquid;
  readonly offers: Map<string, MarketOffers>;

  private constructor(
    readonly shop: Shop,
    readonly pixelKey: string,
    readonly catalogue: Catalogue,
  ) {
    this.carts = new Carts(catalogue);
    this.liquid = new StorefrontLiquid();
    this.offers = new Map(MARKETS.map((market) => [market.handle, new MarketOffers(market, catalogue.products())]));
  }

  static async load(db: PrismaClient, shopId: string): Promise<Storefront> {
    const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
    const pixelKey = await ensurePixelKey(db, shopId);
    const catalogue = await Catalogue.load(db, shopId);
    return new Storefront(shop, pixelKey, catalogue);
  }

  offersIn(market: Market): MarketOffers {
    return this.offers.get(market.handle)!;
  }

  /** A product as Liquid sees it in a market, or undefined where the market does not sell it. */
  productIn(market: Market, handle: string) {
    const product = this.catalogue.byHandle(handle);
    const offer = this.offersIn(market).offer(handle);
    return product && offer?.sold ? productObject(product, market, offer) : undefined;
  }

  /** The visitor (Shopify's _shopify_y cookie), the signed-in customer and the cart, from cookies. */
  session(request: Request, response: Response): Session {
    if (response.locals.session) return response.locals.session;
    const cookies = Object.fromEntries(
      (request.headers.cookie ?? "")
        .split(/;\s*/)
        .filter(Boolean)
        .map((pair) => pair.split("=").map(decodeURIComponent) as [string, string]),
    );
    let visitor = cookies._shopify_y;
    if (!visitor) response.cookie("_shopify_y", (visitor = randomUUID()), { path: "/", sameSite: "lax" });
    let cartToken = cookies.cart;
    if (!cartToken) response.cookie("cart", (cartToken = randomUUID()), { path: "/", sameSite: "lax" });
    return (response.locals.session = { visitor, customerId: cookies.customer || null, cart: this.carts.get(cartToken) });
  }

  /**
   * The shopper's market: a page's is its URL's; a request without a prefix (the Ajax Cart API,
   * the app proxy) is in the cart's market, as Shopify's localization cookie keeps it.
   */
  marketOf(request: Request, response: Response, page = false): Market {
    const { cart } = this.session(request, response);
    if (page || urlMarket(response) !== PRIMARY_MARKET) cart.market = urlMarket(response);
    return cart.market;
  }

  /** Shopify's global objects for a request in a market: shop, customer, cart, request, localization, routes, all_products. */
  async globalsFor(request: Request, response: Response, market: Market) {
    const { customerId, cart } = this.session(request, response);
    const customer = customerId ? await this.catalogue.customer(customerId) : null;
    const locale = market !== PRIMARY_MARKET ? market.language.iso_code : request.query.locale === "es" ? "es" : "en";
    return {
      shop: { name: this.shop.name ?? this.shop.domain, currency: this.shop.currency ?? "USD" },
      customer,
      cart: cartObject(cart.lines, this.offersIn(market)),
      ...marketGlobals(market, locale),
      all_products: new AllProductsDrop((handle) => this.productIn(market, handle)),
    };
  }

  /** A theme page: the template with its app blocks, inside the theme's layout with the blocks' stylesheets and scripts. */
  async renderPage(request: Request, response: Response, template: PageTemplate, scope: Record<string, unknown>) {
    const { liquid } = this;
    const globals = { ...(await this.globalsFor(request, response, this.marketOf(request, response, true))), ...scope };
    const blockFiles = template === "login" ? [] : PAGES[template];
    const schemas = blockFiles.map((file) => liquid.schema(file));
    const layout = request.query.layout === "grid" || request.query.layout === "carousel" ? { layout: request.query.layout } : {};
    const appBlocks = await Promise.all(
      blockFiles.map((file, index) =>
        liquid.render(
          file,
          { block: { id: `${file}-${index + 1}`, settings: liquid.settings(schemas[index], layout), shopify_attributes: "" } },
          globals,
        ),
      ),
    );
    const content = await liquid.render(template, { app_blocks: appBlocks }, globals);
    const html = await liquid.render(
      "layout",
      {
        page_title: String(scope.page_title ?? "Home"),
        content_for_layout: content,
        stylesheets: [...new Set(schemas.flatMap((schema) => (schema.stylesheet ? [schema.stylesheet] : [])))],
        scripts: [...new Set(schemas.flatMap((schema) => (schema.javascript ? [schema.javascript] : [])))],
      },
      globals,
    );
    response.type("html").send(html);
  }

  /** An app's Liquid, rendered as Shopify does: alone after `{% layout none %}`, else inside the theme's layout. */
  async renderProxyLiquid(source: string, globals: Record<string, unknown>): Promise<string> {
    const content = await this.liquid.renderText(source, globals);
    if (LAYOUT_NONE.test(source)) return content;
    return this.liquid.render(
      "layout",
      { page_title: this.shop.name ?? this.shop.domain, content_for_layout: content, stylesheets: [], scripts: [] },
      globals,
    );
  }
}
