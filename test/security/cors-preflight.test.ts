import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../app/models/api-keys.server";
import { ensureShop } from "../../app/models/shops.server";
import type { RunningServer } from "../../app/http/web-server.server";
import { startTestApp, type TestApp } from "../helpers/app";
import { startProductionServer } from "./production";

const SHOP = "cors-preflight.myshopify.com";
const ORIGIN = "https://shop.example.com";

let app: TestApp;
let db: PrismaClient;
let production: RunningServer;
let apiKey: string;

beforeAll(async () => {
  app = await startTestApp({ name: "cors-preflight", secret: "cors-preflight-secret" });
  db = app.db;
  production = await startProductionServer();
  const shop = await ensureShop(db, SHOP);
  const created = await createApiKey(db, shop.id, { name: "Browser", kind: "publishable", allowedOrigins: [ORIGIN] });
  if (!("key" in created)) throw new Error(`no key: ${JSON.stringify(created.errors)}`);
  apiKey = created.key;
});

afterAll(async () => {
  await production?.close();
  await app?.stop();
});

const preflight = (origin: string, path: string, method: string, headers: string) =>
  fetch(origin + path, {
    method: "OPTIONS",
    headers: { Origin: ORIGIN, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers },
  });

describe.each([
  { mode: "development", origin: () => app.server.origin },
  { mode: "production", origin: () => production.origin },
])("CORS preflights ($mode)", ({ origin }) => {
  it("allows a browser to POST /api/v1/events with its key, and then to read the answer", async () => {
    const answer = await preflight(origin(), "/api/v1/events", "POST", "authorization,content-type");
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(answer.headers.get("access-control-allow-methods")).toContain("POST");
    expect(answer.headers.get("access-control-allow-headers")).toMatch(/Authorization.*Content-Type/);

    const posted = await fetch(`${origin()}/api/v1/events`, {
      method: "POST",
      headers: { Origin: ORIGIN, Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ token: "not.a-token-of-ours", kind: "click", productIds: ["1"] }),
    });
    expect([posted.status, posted.headers.get("access-control-allow-origin")]).toEqual([403, ORIGIN]);
  });

  it("allows a browser to GET /api/v1/recommendations with its key", async () => {
    const answer = await preflight(origin(), "/api/v1/recommendations", "GET", "authorization");
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(answer.headers.get("access-control-allow-methods")).toContain("GET");
    expect(answer.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("allows the web pixel to POST /pixel/events from any storefront", async () => {
    const answer = await preflight(origin(), "/pixel/events", "POST", "content-type");
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("access-control-allow-methods")).toContain("POST");
    expect(answer.headers.get("access-control-allow-headers")).toContain("Content-Type");
  });

  it("answers OPTIONS on the OpenAPI document with its CORS header", async () => {
    const answer = await preflight(origin(), "/api/v1/openapi.json", "GET", "");
    expect(answer.ok).toBe(true);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers GET /api/v1/events 405 naming the methods it takes", async () => {
    const answer = await fetch(`${origin()}/api/v1/events`);
    expect([answer.status, answer.headers.get("allow")]).toEqual([405, "POST, OPTIONS"]);
  });
});
