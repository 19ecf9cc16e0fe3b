import { $Enums } from "@prisma/client";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type * as Client from "../client/affinity-client";
import { PLACEMENT_PARAMS, PLACEMENTS, TIERS, type Placement, type PlacementParam, type Tier } from "../app/engine/placements";
import { createApiKey } from "../app/models/api-keys.server";
import type { RecommendationAnswer, RecommendedProduct } from "../app/models/recommendations/index.server";
import { ensureShop } from "../app/models/shops.server";
import { importStoreSnapshot } from "../app/models/store-import.server";
import { openApiDocument } from "../app/models/storefront/openapi.server";
import { trainShop } from "../app/models/training.server";
import { generateDemoStore } from "../demo/generate";
import { startTestApp, type TestApp } from "./helpers/app";

const SECRET = "placements-test-secret";
const SHOP = "placements.myshopify.com";
const store = generateDemoStore({ seed: 5, products: 60, customers: 120, orders: 900 });
let app: TestApp;
let secretKey: string;

/** The document's schema for one answer, compiled once per (path, method, status). */
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
ajv.addSchema(openApiDocument as object, "openapi");
const validators = new Map<string, ValidateFunction>();
function answerSchema(path: string, method: "get" | "post", status: number): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  if (!validators.has(key)) {
    const operation = (openApiDocument.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)[path][method];
    expect(Object.keys(operation.responses), `${key} is documented`).toContain(String(status));
    const pointer = ["paths", path, method, "responses", String(status), "content", "application/json", "schema"]
      .map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1"))
      .join("/");
    validators.set(key, ajv.compile({ $ref: `openapi#/${pointer}` }));
  }
  return validators.get(key)!;
}

/** Sends a request to the running app and checks its answer against the OpenAPI document; returns the body. */
async function call(method: "get" | "post", path: string, init: { query?: Record<string, string>; body?: unknown; key?: string | null }) {
  const url = new URL(`${app.server.origin}${path}`);
  for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (init.key !== null) headers.Authorization = `Bearer ${init.key ?? secretKey}`;
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = await response.json();
  const validate = answerSchema(path, method, response.status);
  expect(validate(body) ? [] : validate.errors, `${method} ${url.pathname}${url.search} → ${response.status}`).toEqual([]);
  return { status: response.status, body };
}

beforeAll(async () => {
  app = await startTestApp({ name: "placements-test", secret: SECRET });
  const shopId = (await ensureShop(app.db, SHOP)).id;
  await importStoreSnapshot(app.db, shopId, store, "DEMO");
  await app.db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0 } });
  await trainShop(app.db, shopId);
  const created = await createApiKey(app.db, shopId, { name: "Answers", kind: "secret" });
  if (!("key" in created)) throw new Error(`no key: ${JSON.stringify(created)}`);
  secretKey = created.key;
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

describe("the placement list and the product card", () => {
  it("are the database's enum and the typed client's types", () => {
    expect(Object.values($Enums.Placement)).toEqual([...PLACEMENTS]);
    expectTypeOf<$Enums.Placement>().toEqualTypeOf<Placement>();
    expectTypeOf<Client.Placement>().toEqualTypeOf<PlacementParam>();
    expectTypeOf<Client.RecommendedProduct>().toEqualTypeOf<Omit<RecommendedProduct, "score" | "signals">>();
    expectTypeOf<Client.RecommendedProduct["tier"]>().toEqualTypeOf<Tier>();
    expectTypeOf<Client.Recommendations["placement"]>().toEqualTypeOf<RecommendationAnswer["placement"]>();
    const product = openApiDocument.components.schemas.Product;
    expect([...product.properties.tier.enum]).toEqual([...TIERS]);
    expect([...openApiDocument.components.schemas.Recommendations.properties.placement.enum]).toEqual([...PLACEMENT_PARAMS]);
  });

  it("answer every placement as the OpenAPI document says, with the card's fields and no others", async () => {
    const customer = store.orders[0].customerExternalId;
    const [first, second] = store.products.map((product) => product.externalId);
    const context: Record<PlacementParam, Record<string, string>> = {
      for_you: { customer_id: customer },
      bought_together: { product_id: first },
      related: { product_id: first },
      trending: {},
      buy_again: { customer_id: customer },
      recently_viewed: { customer_id: customer, visitor: "placements-browser" },
      cart: { cart: `${first},${second}`, customer_id: customer },
    };
    const documented = [...openApiDocument.components.schemas.Product.required].sort();
    let products = 0;
    for (const placement of PLACEMENT_PARAMS) {
      const { status, body } = await call("get", "/api/v1/recommendations", { query: { placement, limit: "6", ...context[placement] } });
      expect(status, placement).toBe(200);
      expect(body.placement).toBe(placement);
      for (const card of body.products as Record<string, unknown>[]) expect(Object.keys(card).sort(), placement).toEqual(documented);
      products += body.products.length;
    }
    expect(products).toBeGreaterThan(20);
    // The check has teeth: a price as text, an unknown placement or a card without its fields fail it.
    const validate = answerSchema("/api/v1/recommendations", "get", 200);
    const { body } = await call("get", "/api/v1/recommendations", { query: { placement: "trending", limit: "1" } });
    expect(validate(body)).toBe(true);
    expect(validate({ ...body, products: [{ ...body.products[0], price: String(body.products[0].price) }] })).toBe(false);
    expect(validate({ ...body, placement: "everywhere" })).toBe(false);
    expect(validate({ ...body, products: [{ productId: "p1" }] })).toBe(false);
  });

  it("answer refusals and the other routes as documented too", async () => {
    expect((await call("get", "/api/v1/recommendations", { query: { placement: "everything", limit: "500" } })).status).toBe(400);
    expect((await call("get", "/api/v1/recommendations", { query: { placement: "trending" }, key: null })).status).toBe(401);
    expect((await call("get", "/api/v1/recommendations", { query: { placement: "trending" }, key: "afk_sk_unknown" })).status).toBe(401);
    const customer = store.orders[0].customerExternalId;
    const minted = await call("post", "/api/v1/shopper-tokens", { body: { customerId: customer } });
    expect(minted.status).toBe(201);
    expect((await call("post", "/api/v1/shopper-tokens", { body: {} })).status).toBe(400);
    const answer = await call("get", "/api/v1/recommendations", { query: { placement: "for_you", customer_id: customer } });
    const productIds = (answer.body.products as { externalId: string }[]).map((product) => product.externalId);
    const report = { token: answer.body.token, kind: "impression", productIds };
    expect((await call("post", "/api/v1/events", { query: { customer_id: customer }, body: report })).status).toBe(202);
    expect((await call("post", "/api/v1/events", { query: { customer_id: customer }, body: { ...report, kind: "purchase" } })).status).toBe(
      400,
    );
    expect((await call("post", "/api/v1/events", { body: report, key: null })).status).toBe(401);
  });
});
