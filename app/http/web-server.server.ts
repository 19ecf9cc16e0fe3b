// The HTTP server of the web process: Express in front of the Remix app (Vite's middleware in
// development, the `npm run build` output in production), with the webhook and storefront hot
// paths answered ahead of Remix's routing. `server.ts` starts it as the web process.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { setting } from "../config/env.server";
import { demoModeStatus } from "../demo.server";
import { continueIfBodyFits, limitRequestBodies } from "./request-body-limit.server";

export interface ServerOptions {
  host: string;
  port: number;
  /** Vite middleware with on-the-fly compilation; otherwise the `npm run build` output. */
  dev: boolean;
  /** Routes answered ahead of the app (the serving benchmark's static floor). */
  before?: (app: express.Express) => void;
  /**
   * Production only: the server build to serve instead of build/server/index.js (tests serve
   * Vite's build of the current sources through the production routing, without `npm run build`).
   */
  build?: ServerBuild;
}

export interface RunningServer {
  /** The address as configured, for people (http://localhost:3000). */
  url: string;
  /** The address actually bound, for programs (http://127.0.0.1:3000). */
  origin: string;
  close: () => Promise<void>;
}

/** Where to listen: HOST and PORT, defaulting to localhost:3000. */
export function serverOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerOptions {
  // Older Shopify CLIs put the app's URL in HOST; that is the app URL, not a bind address.
  const host = setting("HOST", env);
  if (host?.startsWith("http")) {
    if (!setting("SHOPIFY_APP_URL", env)) env.SHOPIFY_APP_URL = host;
    delete env.HOST;
  }
  return { host: setting("HOST", env) || "localhost", port: setting("PORT", env) ?? 3000, dev: setting("NODE_ENV", env) !== "production" };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  process.env.HOST = options.host;
  const app = express();
  app.disable("x-powered-by");
  // Routes read their query from the URL; Express's own parsing of it is wasted work.
  app.set("query parser", false);
  const server = http.createServer(app);
  server.on("checkContinue", continueIfBodyFits(app));
  // First: a body over its route's cap is refused before anything below reads it.
  app.use(limitRequestBodies());

  // Refused demo mode answers every request with the reason, before Remix sees it.
  app.use((_req, res, next) => {
    const demo = demoModeStatus();
    if (demo.refusal)
      res
        .status(403)
        .type("text/plain")
        .send(demo.refusal + "\n");
    else next();
  });

  options.before?.(app);
  let build: ServerBuild | (() => Promise<ServerBuild>);
  let closeVite = async () => {};
  if (options.dev) {
    const vite = await import("vite");
    // cors: false: routes answer CORS themselves (the pixel, the headless API), as in production.
    const viteServer = await vite.createServer({ server: { middlewareMode: true, hmr: { server }, cors: false }, appType: "custom" });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => viteServer.close();
  } else {
    const buildDir = path.resolve("build");
    const serverBuild = options.build ?? ((await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild);
    // Ahead of the static files, which would look each request up on disk first.
    const direct = directRoutes(serverBuild);
    app.post("/webhooks/*", direct);
    app.get("/apps/affinity/recommendations", storefrontRecommendations());
    app.all("/api/v1/recommendations", headlessRecommendations());
    app.all("/api/v1/*", direct);
    app.all("/apps/affinity/*", direct);
    // Pages and their assets go out compressed; the storefront answers above stay uncompressed
    // (a few KB of JSON, where gzip costs more CPU than it saves on the wire).
    app.use(compression());
    app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
    build = serverBuild;
  }
  app.all("*", createRequestHandler({ build }));

  server.listen(options.port, options.host);
  await once(server, "listening");
  const { address, port } = server.address() as AddressInfo;
  const bracket = (host: string) => (host.includes(":") ? `[${host}]` : host);
  return {
    url: `http://${bracket(options.host)}:${port}`,
    origin: `http://${bracket(address)}:${port}`,
    close: async () => {
      await closeVite();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The hot paths (webhook deliveries, storefront recommendations) go straight to their route
 * module (routes/webhooks.<topic>.tsx, routes/apps.affinity.<name>.tsx), skipping Remix's route
 * matching, which costs more than the rest of an acknowledgement or an answer under load. GET
 * and OPTIONS (CORS preflights) call the loader, POST the action: the same functions Remix
 * would call. Anything else falls through to Remix.
 */
export function directRoutes(build: ServerBuild): express.RequestHandler {
  return async (req, res, next) => {
    const module = build.routes[`routes/${req.path.slice(1).replaceAll("/", ".")}`]?.module;
    const handler = req.method === "GET" || req.method === "OPTIONS" ? module?.loader : req.method === "POST" ? module?.action : undefined;
    if (!handler) return next();
    const chunks: Buffer[] = [];
    if (req.method === "POST") for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const request = new Request(new URL(req.originalUrl, `${req.protocol}://${req.get("host") ?? "localhost"}`), {
      method: req.method,
      headers,
      body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
    });
    let response: unknown;
    try {
      response = await handler({ request, params: {}, context: {} });
    } catch (thrown) {
      if (!(thrown instanceof Response)) return next(thrown);
      response = thrown;
    }
    const answer = response instanceof Response ? response : Response.json(response);
    res.status(answer.status);
    answer.headers.forEach((value, name) => res.setHeader(name, value));
    res.end(Buffer.from(await answer.arrayBuffer()));
  };
}

type PlainAnswerer = (req: express.Request) => Promise<import("../plain-answer.server").PlainAnswer>;

/**
 * The storefront's busiest requests (app proxy and headless recommendations), answered without
 * building Fetch API Request and Response objects (a tenth of their CPU under load); the same
 * functions answer them through Remix in development.
 */
function plainRoute(answerer: () => Promise<PlainAnswerer>): express.RequestHandler {
  const answer = answerer();
  return async (req, res, next) => {
    try {
      const plain = await (await answer)(req);
      // Written directly: Express's res.json would also hash the body for an ETag nobody sends back.
      // A text body (the app proxy's Liquid answer) carries its own Content-Type in the headers.
      const body = plain.text ?? (plain.body === undefined ? "" : JSON.stringify(plain.body));
      res.writeHead(plain.status, {
        ...(body && plain.text === undefined ? { "Content-Type": "application/json; charset=utf-8" } : {}),
        ...plain.headers,
        "Content-Length": Buffer.byteLength(body),
      });
      res.end(body);
    } catch (error) {
      next(error);
    }
  };
}

const storefrontRecommendations = () =>
  plainRoute(async () => {
    const [{ processDatabase }, { answerStorefrontRecommendations }] = await Promise.all([
      import("../db.server"),
      import("../models/storefront/proxy-answer.server"),
    ]);
    return (req) => answerStorefrontRecommendations(processDatabase().prisma, new URL(req.originalUrl, "http://localhost"));
  });

const headlessRecommendations = () =>
  plainRoute(async () => {
    const [{ processDatabase }, { answerHeadlessRecommendations }] = await Promise.all([
      import("../db.server"),
      import("../models/storefront/headless-answer.server"),
    ]);
    return (req) =>
      answerHeadlessRecommendations(processDatabase().prisma, {
        method: req.method,
        url: new URL(req.originalUrl, "http://localhost"),
        origin: req.get("origin") ?? null,
        authorization: req.get("authorization") ?? null,
        keyHeader: req.get("x-affinity-key") ?? null,
      });
  });
