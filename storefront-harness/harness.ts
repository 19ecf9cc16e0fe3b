import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@prisma/client";
import express, { type Express } from "express";
import { signAppProxyRequest } from "../app/shopify/app-proxy.server";
import type { StoreProduct } from "./catalogue";
import { EXTENSION_DIR } from "./liquid";
import { MARKETS, marketOfPath, MarketOffers, PRIMARY_MARKET } from "./markets";
import { cartObject, lineObject } from "./objects";
import { Storefront, urlMarket } from "./storefront";

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
  const store = await Storefront.load(options.db, options.shopId);
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
  routePages(app, store, options.appOrigin);
  routeCartApi(app, store);
  routeAppProxy(app, store, options);
  routeAssets(app, store);

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve(listening));
  });
  return runningHarness(server, store.offers);
}

/** The theme's pages: home, product, cart, account, and a sign-in page that picks one of the shop's customers. */
function routePages(app: Express, store: Storefront, appOrigin: string) {
  const { catalogue } = store;
  app.get("/", (request, response, next) => store.renderPage(request, response, "index", {}).catch(next));
  app.get("/products/:handle", async (request, response, next) => {
    try {
      const product = catalogue.byHandle(request.params.handle);
      if (!product) return void response.status(404).type("text").send(`no product with the handle ${request.params.handle}`);
      const shown = store.productIn(urlMarket(response), product.handle);
      if (!shown)
        return void response
          .status(404)
          .type("text")
          .send(`${product.title} is not sold in ${urlMarket(response).country.name}`);
      await reportProductView(store, appOrigin, product, store.session(request, response).visitor);
      await store.renderPage(request, response, "product", { product: shown, page_title: shown.title });
    } catch (error) {
      next(error);
    }
  });
  app.get("/cart", (request, response, next) => store.renderPage(request, response, "cart", { page_title: "Cart" }).catch(next));
  app.get("/account", (request, response, next) => {
    if (!store.session(request, response).customerId) return response.redirect("/login");
    store.renderPage(request, response, "account", { page_title: "Account" }).catch(next);
  });
  app.get("/login", async (request, response, next) => {
    try {
      const chosen = typeof request.query.customer === "string" ? await catalogue.customer(request.query.customer) : null;
      if (chosen) {
        response.cookie("customer", chosen.id, { path: "/", sameSite: "lax" });
        return response.redirect(
          typeof request.query.return_to === "string" && request.query.return_to.startsWith("/") ? request.query.return_to : "/account",
        );
      }
      await store.renderPage(request, response, "login", { customers: await catalogue.frequentCustomers(20), page_title: "Sign in" });
    } catch (error) {
      next(error);
    }
  });
  app.get("/logout", (_request, response) => {
    response.clearCookie("customer", { path: "/" });
    response.redirect("/");
  });
}

/** The Ajax Cart API, as themes and the blocks call it. */
function routeCartApi(app: Express, store: Storefront) {
  app.get("/cart.js", (request, response) => {
    const cart = cartObject(store.session(request, response).cart.lines, store.offersIn(store.marketOf(request, response)));
    response.json({ ...cart, currency: cart.currency.iso_code });
  });
  app.post("/cart/add.js", express.json({ limit: "64kb" }), (request, response) => {
    const { cart } = store.session(request, response);
    const body = request.body as { items?: { id: unknown; quantity?: unknown }[]; id?: unknown; quantity?: unknown };
    const items = body.items ?? (body.id !== undefined ? [{ id: body.id, quantity: body.quantity }] : []);
    if (!items.length)
      return void response.status(422).json({ status: 422, message: "Cart Error", description: "Give items: [{ id, quantity }] or an id" });
    const market = store.marketOf(request, response);
    const sold = (product: StoreProduct) => store.offersIn(market).offer(product.handle)?.sold ?? false;
    const added = cart.add(
      items.map((item) => ({ variantId: String(item.id), quantity: Number(item.quantity ?? 1) })),
      sold,
    );
    if ("error" in added) return void response.status(422).json({ status: 422, message: "Cart Error", description: added.error });
    const lines = added.lines.map((line) => lineObject(line, store.offersIn(market)));
    response.json(body.items ? { items: lines } : lines[0]);
  });
}

/**
 * Shopify's app proxy: the request goes to the app signed, with the shop and the signed-in
 * customer (without the market's prefix); a Liquid answer is rendered in the shopper's market.
 */
function routeAppProxy(app: Express, store: Storefront, { appOrigin, secret }: HarnessOptions) {
  app.all(`${PROXY_PREFIX}/*`, express.text({ type: "*/*", limit: "64kb" }), async (request, response, next) => {
    try {
      const { customerId } = store.session(request, response);
      const market = store.marketOf(request, response);
      const target = new URL(request.url, appOrigin);
      target.searchParams.set("logged_in_customer_id", customerId ?? "");
      const signed = signAppProxyRequest(target, store.shop.domain, PROXY_PREFIX, secret);
      const forwarded = await fetch(signed, {
        method: request.method,
        headers: { "Content-Type": request.get("content-type") ?? "application/json", Accept: "application/json" },
        body: request.method === "GET" || request.method === "HEAD" ? undefined : typeof request.body === "string" ? request.body : "",
      });
      const type = forwarded.headers.get("content-type") ?? "application/json";
      if (type.startsWith("application/liquid")) {
        const page = await store.renderProxyLiquid(await forwarded.text(), await store.globalsFor(request, response, market));
        return void response.status(forwarded.status).type("text/html; charset=utf-8").send(page);
      }
      response
        .status(forwarded.status)
        .type(type)
        .send(Buffer.from(await forwarded.arrayBuffer()));
    } catch (error) {
      next(error);
    }
  });
}

/** The extension's assets, and product images as Shopify's CDN serves them (resized with ?width=). */
function routeAssets(app: Express, store: Storefront) {
  app.use("/extension-assets", express.static(`${EXTENSION_DIR}/assets`, { fallthrough: false }));
  app.get("/cdn/shop/files/:name", (request, response) => {
    const image = store.catalogue.image(request.params.name);
    if (!image) return void response.status(404).end();
    response.type("image/svg+xml").set("Cache-Control", "public, max-age=3600").send(image);
  });
}

/**
 * What the web pixel reports when a product page is viewed (Shopify runs the pixel; the harness
 * plays it). The pixel never names the customer: the app proxy's signed customer links the browser.
 */
async function reportProductView(store: Storefront, appOrigin: string, product: StoreProduct, visitor: string) {
  const batch = {
    shop: store.shop.domain,
    key: store.pixelKey,
    clientId: visitor,
    consent: { analytics: true },
    events: [{ id: randomUUID(), kind: "view", at: new Date().toISOString(), productId: product.externalId }],
  };
  await fetch(new URL("/pixel/events", appOrigin), {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: JSON.stringify(batch),
  }).catch(() => {});
}

/** The harness's address (localhost for loopback), its markets' offers, and a close that stops the server. */
function runningHarness(server: Server, offers: Map<string, MarketOffers>): RunningHarness {
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
