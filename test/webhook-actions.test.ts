import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directRoutes } from "../app/http/web-server.server";

// In production, POST /webhooks/<topic> and GET /apps/affinity/<name> call the route module without Remix's
// routing. The routes here are plain actions; the delivery path itself is tested in
// webhooks.test.ts through the whole app.
describe("the production fast path for webhook deliveries and storefront requests", () => {
  const seen: { url: string; topic: string | null; body: string }[] = [];
  let origin = "";
  let server: http.Server;

  beforeAll(async () => {
    const build = {
      routes: {
        "routes/webhooks.orders.create": {
          module: {
            action: async ({ request }: { request: Request }) => {
              seen.push({ url: request.url, topic: request.headers.get("x-shopify-topic"), body: await request.text() });
              return new Response(null, { status: 200, headers: { "X-Handled-By": "orders/create" } });
            },
          },
        },
        "routes/apps.affinity.recommendations": {
          module: { loader: async ({ request }: { request: Request }) => Response.json({ query: new URL(request.url).search }) },
        },
        "routes/webhooks.app.uninstalled": {
          module: {
            action: async () => {
              throw new Response(undefined, { status: 401, statusText: "Unauthorized" });
            },
          },
        },
      },
    } as unknown as ServerBuild;
    const app = express();
    app.post("/webhooks/*", directRoutes(build));
    app.get("/apps/affinity/*", directRoutes(build));
    app.all("*", (_req, res) => void res.status(404).send("fell through to Remix"));
    server = http.createServer(app).listen(0, "127.0.0.1");
    await once(server, "listening");
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("hands the route's action the whole request and sends back its answer", async () => {
    const response = await fetch(`${origin}/webhooks/orders/create?x=1`, {
      method: "POST",
      body: '{"id":1}',
      headers: { "X-Shopify-Topic": "orders/create" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-handled-by")).toBe("orders/create");
    expect(seen).toEqual([{ url: expect.stringMatching(/\/webhooks\/orders\/create\?x=1$/), topic: "orders/create", body: '{"id":1}' }]);
  });

  it("hands a storefront GET to the route's loader", async () => {
    const response = await fetch(`${origin}/apps/affinity/recommendations?placement=for_you&signature=abc`);
    expect(await response.json()).toEqual({ query: "?placement=for_you&signature=abc" });
    expect((await fetch(`${origin}/apps/affinity/nothing`)).status).toBe(404);
  });

  it("answers a thrown Response as Remix does, and leaves unknown paths to Remix", async () => {
    expect((await fetch(`${origin}/webhooks/app/uninstalled`, { method: "POST", body: "{}" })).status).toBe(401);
    const unknown = await fetch(`${origin}/webhooks/nothing/here`, { method: "POST", body: "{}" });
    expect([unknown.status, await unknown.text()]).toEqual([404, "fell through to Remix"]);
  });
});
