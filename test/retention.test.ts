import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRetention, RETENTION } from "../app/models/retention.server";
import { ensureShop } from "../app/models/shops.server";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";

const DAY = 24 * 60 * 60_000;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
}, 120_000);

afterAll(async () => {
  await database?.destroy();
});

describe("retention", () => {
  it("deletes shoppers' data past its period and keeps what is recent, linked to a customer, or failed", async () => {
    const db = database.prisma;
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const shop = await ensureShop(db, "retention.myshopify.com");
    const customer = await db.customer.create({ data: { shopId: shop.id, externalId: "c-1" } });
    const webhook = (webhookId: string, receivedDaysAgo: number, error: string | null) =>
      db.webhookEvent.create({
        data: {
          webhookId,
          shopDomain: shop.domain,
          shopId: shop.id,
          topic: "orders/create",
          rawBody: "{}",
          receivedAt: ago(receivedDaysAgo),
          processedAt: ago(receivedDaysAgo),
          error,
        },
      });
    await webhook("old-ok", RETENTION.processedWebhookDays + 1, null);
    await webhook("old-failed", RETENTION.processedWebhookDays + 1, "line_items: required");
    await webhook("recent-ok", 1, null);
    await db.checkoutVisitor.createMany({
      data: [
        { shopId: shop.id, checkoutToken: "old", visitorKey: "v-old", createdAt: ago(RETENTION.checkoutVisitorDays + 1) },
        { shopId: shop.id, checkoutToken: "new", visitorKey: "v-new", createdAt: ago(1) },
      ],
    });
    const lastSeenLongAgo = ago(RETENTION.anonymousVisitorDays + 1);
    await db.visitor.createMany({
      data: [
        { shopId: shop.id, visitorKey: "stale-anonymous", firstSeen: lastSeenLongAgo, lastSeen: lastSeenLongAgo },
        { shopId: shop.id, visitorKey: "stale-linked", customerId: customer.id, firstSeen: lastSeenLongAgo, lastSeen: lastSeenLongAgo },
        { shopId: shop.id, visitorKey: "recent-anonymous", firstSeen: ago(2), lastSeen: ago(2) },
      ],
    });
    await db.interaction.createMany({
      data: ["stale-anonymous", "stale-linked", "recent-anonymous"].map((visitorKey) => ({
        shopId: shop.id,
        kind: "VIEW",
        visitorKey,
        customerId: visitorKey === "stale-linked" ? customer.id : null,
        occurredAt: lastSeenLongAgo,
        source: "PIXEL",
        dedupeKey: `view:${visitorKey}`,
      })),
    });
    await db.recommendationEvent.createMany({
      data: [
        { shopId: shop.id, kind: "CLICK", token: "t", placement: "FOR_YOU", occurredAt: ago(RETENTION.recommendationEventDays + 1) },
        { shopId: shop.id, kind: "CLICK", token: "t", placement: "FOR_YOU", occurredAt: ago(3) },
      ],
    });

    expect(await applyRetention(db, now)).toEqual({
      webhookEvents: 1,
      checkoutVisitors: 1,
      anonymousVisitors: 1,
      anonymousInteractions: 1,
      recommendationEvents: 1,
    });
    expect((await db.webhookEvent.findMany({ orderBy: { webhookId: "asc" } })).map((row) => row.webhookId)).toEqual([
      "old-failed",
      "recent-ok",
    ]);
    expect((await db.checkoutVisitor.findMany()).map((row) => row.checkoutToken)).toEqual(["new"]);
    expect((await db.visitor.findMany({ orderBy: { visitorKey: "asc" } })).map((row) => row.visitorKey)).toEqual([
      "recent-anonymous",
      "stale-linked",
    ]);
    expect((await db.interaction.findMany({ orderBy: { visitorKey: "asc" } })).map((row) => row.visitorKey)).toEqual([
      "recent-anonymous",
      "stale-linked",
    ]);
    expect(await db.recommendationEvent.count()).toBe(1);
    // Running it again removes nothing more.
    expect(Object.values(await applyRetention(db, now)).every((count) => count === 0)).toBe(true);
  });
});
