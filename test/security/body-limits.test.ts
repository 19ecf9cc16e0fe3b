import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyLimitFor, MAX_INBOUND_BODY_BYTES, MAX_WEBHOOK_BODY_BYTES } from "../../app/http/body-limits.server";
import { MAX_RECOMMENDATION_EVENT_BODY_BYTES } from "../../app/models/measurement.server";
import { MAX_PIXEL_BODY_BYTES } from "../../app/models/pixel.server";
import type { RunningServer } from "../../app/http/web-server.server";
import { startTestApp, type TestApp } from "../helpers/app";
import { webhookHeaders } from "../helpers/shopify-requests";
import { filler, rawPost } from "./http";
import { startProductionServer } from "./production";

const SECRET = "body-limit-test-secret";
const SHOP = "body-limits.myshopify.com";
const TEN_MB = 10 * 1024 * 1024;

let app: TestApp;
let production: RunningServer;
let db: PrismaClient;

beforeAll(async () => {
  app = await startTestApp({ name: "body-limits", secret: SECRET });
  db = app.db;
  production = await startProductionServer();
});

afterAll(async () => {
  await production?.close();
  await app?.stop();
});

/** An orders/create delivery's headers for `body`, signed with `secret`. */
const orderHeaders = (body: string, secret: string, webhookId?: string) =>
  webhookHeaders({ topic: "orders/create", shop: SHOP, body, secret, webhookId });

describe.each([
  { mode: "development", origin: () => app.server.origin },
  { mode: "production", origin: () => production.origin },
])("request bodies over their route's cap ($mode)", ({ origin }) => {
  it("refuses a webhook declaring 10 MB with a bad HMAC at once, without waiting for the body", async () => {
    const started = Date.now();
    const answer = await rawPost(origin(), "/webhooks/orders/create", {
      headers: { ...orderHeaders("{}", "not-the-secret"), "Content-Length": TEN_MB },
      chunks: ['{"id":'],
      end: false,
    });
    expect(answer.status).toBe(413);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(answer.headers["content-type"]).toContain("application/json");
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.body)).toEqual({
      error: expect.stringContaining(`larger than ${MAX_WEBHOOK_BODY_BYTES} bytes, the limit for webhook deliveries`),
      limitBytes: MAX_WEBHOOK_BODY_BYTES,
    });
  });

  it("cuts off a chunked webhook body at the cap, before the sender has finished", async () => {
    const answer = await rawPost(origin(), "/webhooks/orders/create", {
      headers: orderHeaders("{}", "not-the-secret"),
      chunks: filler(64 * 1024, TEN_MB / (64 * 1024)),
      end: false,
      timeoutMs: 15_000,
    });
    expect(answer.status).toBe(413);
    expect(answer.finishedSending).toBe(false);
    expect(answer.sentBeforeAnswer).toBeGreaterThan(MAX_WEBHOOK_BODY_BYTES);
    expect(answer.sentBeforeAnswer).toBeLessThan(TEN_MB);
    expect(JSON.parse(answer.body).limitBytes).toBe(MAX_WEBHOOK_BODY_BYTES);
  });

  it("tells a client that asks first (Expect: 100-continue) not to send an oversized body", async () => {
    const answer = await rawPost(origin(), "/webhooks/orders/create", {
      headers: { ...orderHeaders("{}", SECRET), "Content-Length": TEN_MB, Expect: "100-continue" },
      chunks: [],
      end: false,
    });
    expect(answer.status).toBe(413);
  });

  it("still answers a signed webhook 200, sent whole or chunked, and stores its body intact", async () => {
    const body = JSON.stringify({ id: 1001, name: "#1001", note: "x".repeat(200_000), line_items: [] });
    const whole = await fetch(`${origin()}/webhooks/orders/create`, { method: "POST", body, headers: orderHeaders(body, SECRET) });
    expect(whole.status).toBe(200);

    const webhookId = randomUUID();
    const pieces = [body.slice(0, 70_000), body.slice(70_000, 140_000), body.slice(140_000)];
    const chunked = await rawPost(origin(), "/webhooks/orders/create", {
      headers: orderHeaders(body, SECRET, webhookId),
      chunks: pieces,
    });
    expect([chunked.status, chunked.finishedSending]).toEqual([200, true]);
    const stored = await db.webhookEvent.findUniqueOrThrow({ where: { webhookId } });
    expect(stored.rawBody).toBe(body);
  });

  it("answers a chunked webhook with a wrong HMAC 401 when it fits, as before", async () => {
    const body = JSON.stringify({ id: 1002 });
    const answer = await rawPost(origin(), "/webhooks/orders/create", {
      headers: orderHeaders(body, "not-the-secret"),
      chunks: [body.slice(0, 5), body.slice(5)],
    });
    expect(answer.status).toBe(401);
  });

  // Each family's cap, refused before the route authorises anything: below the cap each route
  // answers as it always did (unknown shop, no key, bad signature, not JSON).
  const families = [
    { path: `/inbound/${SHOP}/events`, limit: MAX_INBOUND_BODY_BYTES, family: "inbound events", fits: 404 },
    { path: `/inbound/${SHOP}/judgeme?token=wrong`, limit: MAX_INBOUND_BODY_BYTES, family: "inbound events", fits: 404 },
    { path: "/pixel/events", limit: MAX_PIXEL_BODY_BYTES, family: "web pixel batches", fits: 400 },
    { path: "/api/v1/events", limit: MAX_RECOMMENDATION_EVENT_BODY_BYTES, family: "recommendation events", fits: 401 },
    {
      path: `/apps/affinity/events?shop=${SHOP}&signature=wrong`,
      limit: MAX_RECOMMENDATION_EVENT_BODY_BYTES,
      family: "recommendation events",
      fits: 400,
    },
  ];

  it.each(families)("caps $path at $limit bytes before authorising", async ({ path, limit, family, fits }) => {
    const declared = await rawPost(origin(), path, {
      headers: { "Content-Type": "application/json", "Content-Length": TEN_MB },
      chunks: ["{"],
      end: false,
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toEqual({
      error: expect.stringContaining(`larger than ${limit} bytes, the limit for ${family}`),
      limitBytes: limit,
    });

    const chunked = await rawPost(origin(), path, {
      headers: { "Content-Type": "application/json" },
      chunks: filler(4096, Math.ceil((limit + 1) / 4096) + 64),
      end: false,
    });
    expect([chunked.status, chunked.finishedSending]).toEqual([413, false]);

    const atTheCap = await fetch(origin() + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "a".repeat(limit),
    });
    expect(atTheCap.status).toBe(fits);
    const overTheCap = await fetch(origin() + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "a".repeat(limit + 1),
    });
    expect(overTheCap.status).toBe(413);
  });
});

describe("which cap a path gets", () => {
  it("matches paths as Remix does: case, repeated and trailing slashes, percent-encoding, single-fetch suffix", () => {
    for (const path of ["/PIXEL/Events", "/pixel/events/", "//pixel//events", "/pixel/%65vents", "/pixel/events.data"])
      expect(bodyLimitFor(path).bytes, path).toBe(MAX_PIXEL_BODY_BYTES);
    expect(bodyLimitFor("/Webhooks/orders/create").bytes).toBe(MAX_WEBHOOK_BODY_BYTES);
    expect(bodyLimitFor("/app/settings").bytes).toBeLessThan(MAX_WEBHOOK_BODY_BYTES);
  });
});
