import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@prisma/client";
import express, { type Request, type Response } from "express";
import { ensurePixelKey } from "../../app/models/pixel.server";
import { signAppProxyRequest } from "../../app/shopify/app-proxy.server";
import { Carts, type Cart, type CartLine } from "./cart";
import { Catalogue, type StoreProduct } from "./catalogue";
import { EXTENSION_DIR, StorefrontLiquid } from "./liquid";

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
 * Shopify's app proxy (signed requests to the app), the Ajax Cart API, and the web pixel's
 * product views. `?locale=es` renders in Spanish; `?layout=grid|carousel` sets every block's layout.
 */
export async function startStorefrontHarness(options: HarnessOptions): Promise<RunningHarness> {
  const { db, shopId, appOrigin, secret } = options;
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  const pixelKey = await ensurePixelKey(db, shopId);
  const catalogue = await Catalogue.load(db, shopId);
  const carts = new Carts(catalogue);
  const liquid = new StorefrontLiquid();
  const app = express();
  app.disable("x-powered-by");

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

  const renderPage = async (request: Request, response: Response, template: keyof typeof PAGES | "login", scope: Record<string, unknown>) => {
    const { customerId, cart } = session(request, response);
    const customer = customerId ? await catalogue.customer(customerId) : null;
    const locale = request.query.locale === "es" ? "es" : "en";
    const globals = {
      shop: { name: shop.name ?? shop.domain },
      customer,
      cart: cartObject(cart.lines, shop.currency ?? "USD"),
      request: { locale: { iso_code: locale } },
      ...scope,
    };
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
      await reportProductView(product, session(request, response).visitor);
      await renderPage(request, response, "product", { product: productObject(product), page_title: product.title });
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
    const cart = cartObject(session(request, response).cart.lines, shop.currency ?? "USD");
    response.json({ ...cart, currency: cart.currency.iso_code });
  });
  app.post("/cart/add.js", express.json({ limit: "64kb" }), (request, response) => {
    const { cart } = session(request, response);
    const body = request.body as { items?: { id: unknown; quantity?: unknown }[]; id?: unknown; quantity?: unknown };
    const items = body.items ?? (body.id !== undefined ? [{ id: body.id, quantity: body.quantity }] : []);
    if (!items.length) return void response.status(422).json({ status: 422, message: "Cart Error", description: "Give items: [{ id, quantity }] or an id" });
    const added = cart.add(items.map((item) => ({ variantId: String(item.id), quantity: Number(item.quantity ?? 1) })));
    if ("error" in added) return void response.status(422).json({ status: 422, message: "Cart Error", description: added.error });
    const lines = added.lines.map(lineObject);
    response.json(body.items ? { items: lines } : lines[0]);
  });

  // Shopify's app proxy: the request goes to the app signed, with the shop and the signed-in customer.
  app.all(`${PROXY_PREFIX}/*`, express.text({ type: "*/*", limit: "64kb" }), async (request, response, next) => {
    try {
      const { customerId } = session(request, response);
      const target = new URL(request.originalUrl, appOrigin);
      target.searchParams.set("logged_in_customer_id", customerId ?? "");
      const signed = signAppProxyRequest(target, shop.domain, PROXY_PREFIX, secret);
      const forwarded = await fetch(signed, {
        method: request.method,
        headers: { "Content-Type": request.get("content-type") ?? "application/json", Accept: "application/json" },
        body: request.method === "GET" || request.method === "HEAD" ? undefined : typeof request.body === "string" ? request.body : "",
      });
      response.status(forwarded.status).type(forwarded.headers.get("content-type") ?? "application/json").send(Buffer.from(await forwarded.arrayBuffer()));
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
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function productObject(product: StoreProduct) {
  return {
    id: product.externalId,
    handle: product.handle,
    title: product.title,
    description: product.description,
    price: product.priceCents,
    featured_image: product.image ? { src: product.image, alt: product.title, width: 720, height: 720 } : null,
    selected_or_first_available_variant: { id: product.variantId },
  };
}

function lineObject(line: CartLine) {
  return {
    id: Number(line.variantId) || line.variantId,
    variant_id: Number(line.variantId) || line.variantId,
    product_id: Number(line.product.externalId) || line.product.externalId,
    title: line.product.title,
    handle: line.product.handle,
    quantity: line.quantity,
    price: line.product.priceCents,
    line_price: line.product.priceCents * line.quantity,
    url: `/products/${line.product.handle}`,
  };
}

function cartObject(lines: CartLine[], currency: string) {
  const items = lines.map(lineObject);
  return {
    item_count: items.reduce((sum, item) => sum + item.quantity, 0),
    items,
    total_price: items.reduce((sum, item) => sum + item.line_price, 0),
    currency: { iso_code: currency },
  };
}
