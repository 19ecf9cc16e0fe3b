import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@prisma/client";
import express, { type Request, type Response } from "express";
import { ensurePixelKey } from "../../app/models/pixel.server";
import { signAppProxyRequest } from "../../app/shopify/app-proxy.server";
import { Carts, type Cart } from "./cart";
import { Catalogue, type StoreProduct } from "./catalogue";
import { EXTENSION_DIR, LAYOUT_NONE, StorefrontLiquid } from "./liquid";
import { MARKETS, marketOfPath, MarketOffers, PRIMARY_MARKET, type Market } from "./markets";
import { AllProductsDrop, cartObject, lineObject, marketGlobals, productObject } from "./objects";

export interface HarnessOptions {
  db: PrismaClient;
  shopId: string;
  /** The Affinity app the harness's app proxy forwards /apps/affinity/* to. */
  appOrigin: string;
  /** The app's client secret, which signs the proxied requests. */
  secret: string;
  host?: string;
  port?: number;
}

export interface RunningHarness {
  url: string;
  /** What a market (by handle: "us", "fr") offers of each product: its price, title, and whether it is sold there. */
  offers(market: string): MarketOffers;
  close(): Promise<void>;
}

/** Which blocks each page shows, in order (block file names in extensions/affinity-blocks/blocks). */
const PAGES = {
  index: ["recommended-for-you", "buy-again", "trending", "recently-viewed"],
  product: ["bought-together", "also-like", "recently-viewed"],
  cart: ["recommended-for-you"],
  account: ["buy-again", "recommended-for-you"],
} as const;

const PROXY_PREFIX = "/apps/affinity";

/**
 * A local Shopify storefront for the theme app extension: pages rendered with real Liquid and
 * realistic objects (the shop's products, a signed-in customer, a cart), the extension's assets,
 * Shopify's app proxy (signed requests to the app, and Liquid answers rendered in the shopper's
 * market), the Ajax Cart API, and the web pixel's product views. Two markets (markets.ts): the
 * primary one, and France under /fr (euros, French). `?locale=es` renders the primary market in
 * Spanish; `?layout=grid|carousel` sets every block's layout.
 */
export async function startStorefrontHarness(options: HarnessOptions): Promise<RunningHarness> {
  const { db, shopId, appOrigin, secret } = options;
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  const pixelKey = await ensurePixelKey(db, shopId);
  const catalogue = await Catalogue.load(db, shopId);
  const carts = new Carts(catalogue);
  const liquid = new StorefrontLiquid();
  const offers = new Map(MARKETS.map((market) => [market.handle, new MarketOffers(market, catalogue.products())]));
  const offersIn = (market: Market) => offers.get(market.handle)!;
  /** A product as Liquid sees it in a market, or undefined where the market does not sell it. */
  const productIn = (market: Market, handle: string) => {
    const product = catalogue.byHandle(handle);
    const offer = offersIn(market).offer(handle);
    return product && offer?.sold ? productObject(product, market, offer) : undefined;
  };
  const app = express();
  app.disable("x-powered-by");

  // A market's pages live under its prefix (/fr/…): the prefix is read here and removed, so the
  // routes below serve every market.
  app.use((request, response, next) => {
    const { market, rest } = marketOfPath(request.path);
    response.locals.market = market;
    if (market !== PRIMARY_MARKET) request.url = rest + request.url.slice(request.path.length);
    next();
  });
  /** The market the URL named (the primary one without a prefix). */
  const urlMarket = (response: Response): Market => response.locals.market;

  /** The visitor (Shopify's _shopify_y cookie), the signed-in customer and the cart, from cookies. */
  const session = (request: Request, response: Response): { visitor: string; customerId: string | null; cart: Cart } => {
    if (response.locals.session) return response.locals.session;
    const cookies = Object.fromEntries((request.headers.cookie ?? "").split(/;\s*/).filter(Boolean).map((pair) => pair.split("=").map(decodeURIComponent) as [string, string]));
    let visitor = cookies._shopify_y;
    if (!visitor) response.cookie("_shopify_y", (visitor = randomUUID()), { path: "/", sameSite: "lax" });
    let cartToken = cookies.cart;
    if (!cartToken) response.cookie("cart", (cartToken = randomUUID()), { path: "/", sameSite: "lax" });
    return (response.locals.session = { visitor, customerId: cookies.customer || null, cart: carts.get(cartToken) });
  };

  /**
   * The shopper's market: a page's is its URL's; a request without a prefix (the Ajax Cart API,
   * the app proxy) is in the cart's market, as Shopify's localization cookie keeps it.
   */
  const marketOf = (request: Request, response: Response, page = false): Market => {
    const { cart } = session(request, response);
    if (page || urlMarket(response) !== PRIMARY_MARKET) cart.market = urlMarket(response);
    return cart.market;
  };

  /** Shopify's global objects for a request in a market: shop, customer, cart, request, localization, routes, all_products. */
  const globalsFor = async (request: Request, response: Response, market: Market) => {
    const { customerId, cart } = session(request, response);
    const customer = customerId ? await catalogue.customer(customerId) : null;
    const locale = market !== PRIMARY_MARKET ? market.language.iso_code : request.query.locale === "es" ? "es" : "en";
    return {
      shop: { name: shop.name ?? shop.domain, currency: shop.currency ?? "USD" },
      customer,
      cart: cartObject(cart.lines, offersIn(market)),
      ...marketGlobals(market, locale),
      all_products: new AllProductsDrop((handle) => productIn(market, handle)),
    };
  };

  const renderPage = async (request: Request, response: Response, template: keyof typeof PAGES | "login", scope: Record<string, unknown>) => {
    const globals = { ...(await globalsFor(request, response, marketOf(request, response, true))), ...scope };
    const blockFiles = template === "login" ? [] : PAGES[template];
    const schemas = blockFiles.map((file) => liquid.schema(file));
    const layout = request.query.layout === "grid" || request.query.layout === "carousel" ? { layout: request.query.layout } : {};
    const appBlocks = await Promise.all(
      blockFiles.map((file, index) =>
        liquid.render(file, { block: { id: `${file}-${index + 1}`, settings: liquid.settings(schemas[index], layout), shopify_attributes: "" } }, globals),
      ),
    );
    const content = await liquid.render(template, { app_blocks: appBlocks }, globals);
    const html = await liquid.render("layout", {
      page_title: String(scope.page_title ?? "Home"),
      content_for_layout: content,
      stylesheets: [...new Set(schemas.flatMap((schema) => (schema.stylesheet ? [schema.stylesheet] : [])))],
      scripts: [...new Set(schemas.flatMap((schema) => (schema.javascript ? [schema.javascript] : [])))],
    }, globals);
    response.type("html").send(html);
  };

  app.get("/", (request, response, next) => renderPage(request, response, "index", {}).catch(next));
  app.get("/products/:handle", async (request, response, next) => {
    try {
      const product = catalogue.byHandle(request.params.handle);
      if (!product) return void response.status(404).type("text").send(`no product with the handle ${request.params.handle}`);
      const shown = productIn(urlMarket(response), product.handle);
      if (!shown) return void response.status(404).type("text").send(`${product.title} is not sold in ${urlMarket(response).country.name}`);
      await reportProductView(product, session(request, response).visitor);
      await renderPage(request, response, "product", { product: shown, page_title: shown.title });
    } catch (error) {
      next(error);
    }
  });
  app.get("/cart", (request, response, next) => renderPage(request, response, "cart", { page_title: "Cart" }).catch(next));
  app.get("/account", (request, response, next) => {
    if (!session(request, response).customerId) return response.redirect("/login");
    renderPage(request, response, "account", { page_title: "Account" }).catch(next);
  });
  app.get("/login", async (request, response, next) => {
    try {
      const chosen = typeof request.query.customer === "string" ? await catalogue.customer(request.query.customer) : null;
      if (chosen) {
        response.cookie("customer", chosen.id, { path: "/", sameSite: "lax" });
        return response.redirect(typeof request.query.return_to === "string" && request.query.return_to.startsWith("/") ? request.query.return_to : "/account");
      }
      await renderPage(request, response, "login", { customers: await catalogue.frequentCustomers(20), page_title: "Sign in" });
    } catch (error) {
      next(error);
    }
  });
  app.get("/logout", (_request, response) => {
    response.clearCookie("customer", { path: "/" });
    response.redirect("/");
  });

  // The Ajax Cart API, as themes and the blocks call it.
  app.get("/cart.js", (request, response) => {
    const cart = cartObject(session(request, response).cart.lines, offersIn(marketOf(request, response)));
    response.json({ ...cart, currency: cart.currency.iso_code });
  });
  app.post("/cart/add.js", express.json({ limit: "64kb" }), (request, response) => {
    const { cart } = session(request, response);
    const body = request.body as { items?: { id: unknown; quantity?: unknown }[]; id?: unknown; quantity?: unknown };
    const items = body.items ?? (body.id !== undefined ? [{ id: body.id, quantity: body.quantity }] : []);
    if (!items.length) return void response.status(422).json({ status: 422, message: "Cart Error", description: "Give items: [{ id, quantity }] or an id" });
    const market = marketOf(request, response);
    const sold = (product: StoreProduct) => offersIn(market).offer(product.handle)?.sold ?? false;
    const added = cart.add(items.map((item) => ({ variantId: String(item.id), quantity: Number(item.quantity ?? 1) })), sold);
    if ("error" in added) return void response.status(422).json({ status: 422, message: "Cart Error", description: added.error });
    const lines = added.lines.map((line) => lineObject(line, offersIn(market)));
    response.json(body.items ? { items: lines } : lines[0]);
  });

  // Shopify's app proxy: the request goes to the app signed, with the shop and the signed-in
  // customer (without the market's prefix); a Liquid answer is rendered in the shopper's market.
  app.all(`${PROXY_PREFIX}/*`, express.text({ type: "*/*", limit: "64kb" }), async (request, response, next) => {
    try {
      const { customerId } = session(request, response);
      const market = marketOf(request, response);
      const target = new URL(request.url, appOrigin);
      target.searchParams.set("logged_in_customer_id", customerId ?? "");
      const signed = signAppProxyRequest(target, shop.domain, PROXY_PREFIX, secret);
      const forwarded = await fetch(signed, {
        method: request.method,
        headers: { "Content-Type": request.get("content-type") ?? "application/json", Accept: "application/json" },
        body: request.method === "GET" || request.method === "HEAD" ? undefined : typeof request.body === "string" ? request.body : "",
      });
      const type = forwarded.headers.get("content-type") ?? "application/json";
      if (type.startsWith("application/liquid")) {
        const page = await renderProxyLiquid(await forwarded.text(), await globalsFor(request, response, market));
        return void response.status(forwarded.status).type("text/html; charset=utf-8").send(page);
      }
      response.status(forwarded.status).type(type).send(Buffer.from(await forwarded.arrayBuffer()));
    } catch (error) {
      next(error);
    }
  });

  app.use("/extension-assets", express.static(`${EXTENSION_DIR}/assets`, { fallthrough: false }));
  // Product images, as Shopify's CDN serves them (resized with ?width=).
  app.get("/cdn/shop/files/:name", (request, response) => {
    const image = catalogue.image(request.params.name);
    if (!image) return void response.status(404).end();
    response.type("image/svg+xml").set("Cache-Control", "public, max-age=3600").send(image);
  });

  /** An app's Liquid, rendered as Shopify does: alone after `{% layout none %}`, else inside the theme's layout. */
  async function renderProxyLiquid(source: string, globals: Record<string, unknown>): Promise<string> {
    const content = await liquid.renderText(source, globals);
    if (LAYOUT_NONE.test(source)) return content;
    return liquid.render("layout", { page_title: shop.name ?? shop.domain, content_for_layout: content, stylesheets: [], scripts: [] }, globals);
  }

  /**
   * What the web pixel reports when a product page is viewed (Shopify runs the pixel; the harness
   * plays it). The pixel never names the customer: the app proxy's signed customer links the browser.
   */
  async function reportProductView(product: StoreProduct, visitor: string) {
    const batch = {
      shop: shop.domain,
      key: pixelKey,
      clientId: visitor,
      consent: { analytics: true },
      events: [{ id: randomUUID(), kind: "view", at: new Date().toISOString(), productId: product.externalId }],
    };
    await fetch(new URL("/pixel/events", appOrigin), { method: "POST", headers: { "Content-Type": "text/plain" }, body: JSON.stringify(batch) }).catch(() => {});
  }

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve(listening));
  });
  const address = server.address() as AddressInfo;
  const host = address.address.includes(":") ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === "127.0.0.1" || host === "[::1]" ? "localhost" : host}:${address.port}`,
    offers: (handle) => {
      const found = offers.get(handle);
      if (!found) throw new Error(`no market "${handle}"; the harness has ${MARKETS.map((market) => market.handle).join(", ")}`);
      return found;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

