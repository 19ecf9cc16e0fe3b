import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { demoModeStatus } from "./app/demo.server";

export interface ServerOptions {
  host: string;
  port: number;
  /** Vite middleware with on-the-fly compilation; otherwise the `npm run build` output. */
  dev: boolean;
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
  if (env.HOST?.startsWith("http")) {
    env.SHOPIFY_APP_URL ||= env.HOST;
    delete env.HOST;
  }
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return { host: env.HOST?.trim() || "localhost", port, dev: env.NODE_ENV !== "production" };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  process.env.HOST = options.host;
  const app = express();
  app.disable("x-powered-by");
  const server = http.createServer(app);

  // Refused demo mode answers every request with the reason, before Remix sees it.
  app.use((_req, res, next) => {
    const demo = demoModeStatus();
    if (demo.refusal) res.status(403).type("text/plain").send(demo.refusal + "\n");
    else next();
  });

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let closeVite = async () => {};
  if (options.dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ server: { middlewareMode: true, hmr: { server } }, appType: "custom" });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => viteServer.close();
  } else {
    const buildDir = path.resolve("build");
    app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
    build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;
    app.post("/webhooks/*", webhookActions(build));
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
 * Webhook deliveries go straight to their route's action (routes/webhooks.<topic>.tsx), skipping
 * Remix's route matching, which costs more than the rest of an acknowledgement under a burst.
 * The action is the same one Remix would call; anything else falls through to Remix.
 */
export function webhookActions(build: ServerBuild): express.RequestHandler {
  return async (req, res, next) => {
    const action = build.routes[`routes/${req.path.slice(1).replaceAll("/", ".")}`]?.module.action;
    if (!action) return next();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const request = new Request(new URL(req.originalUrl, `${req.protocol}://${req.get("host") ?? "localhost"}`), {
      method: req.method,
      headers,
      body: Buffer.concat(chunks),
    });
    let response: unknown;
    try {
      response = await action({ request, params: {}, context: {} });
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

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const { startWebProcess } = await import("./workers/web");
  await startWebProcess(serverOptionsFromEnv());
}
