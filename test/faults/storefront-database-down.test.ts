import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RecommendationAnswer } from "../../app/models/recommendations/index.server";
import { ensureShop } from "../../app/models/shops.server";
import { importStoreSnapshot } from "../../app/models/store-import.server";
import { publishInvalidation } from "../../app/models/storefront/invalidation.server";
import { trainShop } from "../../app/models/training.server";
import { signAppProxyRequest } from "../../app/shopify/app-proxy.server";
import { generateDemoStore } from "../../demo/generate";
import { ownServicesAvailable, startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from "../helpers/own-services";
import { startAppOnServices, type AppOnServices } from "../helpers/processes";

const SECRET = "faults-storefront-secret";
const SHOP = "faults-storefront.myshopify.com";
const store = generateDemoStore({ seed: 5, products: 60, customers: 120, orders: 700 });

const available = ownServicesAvailable();

describe.runIf(available)("storefront answers while the database is unreachable", () => {
  let redis: OwnRedis;
  let postgres: OwnPostgres;
  let app: AppOnServices;
  let shopId: string;

  /** A storefront request as Shopify's app proxy forwards it, signed with the app's secret. */
  async function proxied(query: Record<string, string>) {
    const url = new URL(`${app.server.origin}/apps/affinity/recommendations`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await fetch(signAppProxyRequest(url, SHOP, "/apps/affinity", SECRET), { signal: AbortSignal.timeout(20_000) });
    return { status: response.status, body: (await response.json().catch(() => null)) as RecommendationAnswer | null };
  }

  const products = (answer: { body: RecommendationAnswer | null }) =>
    answer.body?.products.map((product) => [product.externalId, product.title]) ?? [];

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startOwnRedis(), startOwnPostgres()]);
    const databaseUrl = await postgres.createMigratedDatabase("affinity");
    app = await startAppOnServices({ name: "faults-storefront", secret: SECRET, databaseUrl, redisUrl: redis.url });
    shopId = (await ensureShop(app.db, SHOP)).id;
    await importStoreSnapshot(app.db, shopId, store, "DEMO");
    await app.db.shopSettings.update({ where: { shopId }, data: { holdoutShare: 0 } });
    await trainShop(app.db, shopId);
  }, 120_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    if (postgres && !postgres.running) await postgres.start().catch(() => {});
    await app?.stop();
    await Promise.all([redis?.destroy(), postgres?.destroy()]);
  });

  it("answers from the last good data while PostgreSQL is stopped, and fresh data once it is back", async () => {
    const db = app.db;
    const buyer = await db.customer.findFirstOrThrow({ where: { shopId, orders: { some: {} } }, orderBy: { externalId: "asc" } });
    const shown = store.products[0].externalId;
    const requests: Record<string, Record<string, string>> = {
      guest: { placement: "trending", limit: "6" },
      customer: { placement: "for_you", logged_in_customer_id: buyer.externalId, limit: "6" },
      product: { placement: "bought_together", product_id: shown, limit: "4" },
      related: { placement: "related", product_id: shown, limit: "4" },
    };
    const warm: Record<string, ReturnType<typeof products>> = {};
    for (const [name, query] of Object.entries(requests)) {
      const answer = await proxied(query);
      expect(answer.status, name).toBe(200);
      expect(answer.body!.products.length, name).toBeGreaterThan(0);
      warm[name] = products(answer);
    }
    // A product the guest sees is renamed; the storefront has not heard yet.
    const [renamedId, oldTitle] = warm.guest[0];
    await db.product.update({ where: { shopId_externalId: { shopId, externalId: renamedId } }, data: { title: `${oldTitle} (renamed)` } });

    await postgres.stop();
    // The rename's message arrives (a worker sends it after ingesting products/update) while
    // the database cannot be read.
    await publishInvalidation({ shopId, scope: "products", productIds: [renamedId] });
    const askAll = async () => {
      for (const [name, query] of Object.entries(requests)) {
        const answer = await proxied(query);
        expect([name, answer.status]).toEqual([name, 200]);
        expect(products(answer), name).toEqual(warm[name]);
      }
    };
    for (let round = 0; round < 6; round++) {
      await askAll();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // The shoppers' histories and the shop's id are cached for a minute: past that (the clock
    // the caches read moves on), with the database still down, the last ones read keep answering.
    const now = performance.now.bind(performance);
    vi.spyOn(performance, "now").mockImplementation(() => now() + 61_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await askAll();

    await postgres.start();
    const deadline = Date.now() + 15_000;
    let fresh = await proxied(requests.guest);
    while (!products(fresh).some(([id, title]) => id === renamedId && title === `${oldTitle} (renamed)`)) {
      if (Date.now() > deadline) throw new Error(`the renamed product never showed: ${JSON.stringify(products(fresh))}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      fresh = await proxied(requests.guest);
    }
    expect(fresh.status).toBe(200);
    vi.restoreAllMocks();
    // And what was never cached is read again: another product's lists.
    const other = await proxied({ placement: "related", product_id: store.products[1].externalId, limit: "4" });
    expect(other.status).toBe(200);
    expect(other.body!.products.length).toBeGreaterThan(0);
  }, 90_000);
});
