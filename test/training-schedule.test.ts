import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureShop } from "../app/models/shops.server";
import { checkTrainingSchedule, shopsDueForTraining } from "../app/models/training-schedule.server";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";

describe("when a shop's model is retrained", () => {
  let database: TestDatabase;
  const TRAINED = new Date("2026-11-20T10:00:00Z");

  async function trainedShop(domain: string, settings: { trainingSchedule?: string; retrainAfterOrders?: number }, timezone = "UTC") {
    const db = database.prisma;
    const shop = await ensureShop(db, domain);
    await db.shop.update({ where: { id: shop.id }, data: { timezone } });
    await db.shopSettings.update({ where: { shopId: shop.id }, data: settings });
    const version = await db.modelVersion.create({
      data: { shopId: shop.id, version: 1, status: "READY", startedAt: TRAINED, trainedAt: TRAINED },
    });
    await db.shop.update({ where: { id: shop.id }, data: { activeModelVersionId: version.id } });
    return shop.id;
  }
  const due = async (now: string) => (await shopsDueForTraining(database.prisma, new Date(now))).map(({ shopId, why }) => [shopId, why]);

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it("nightly by the shop's schedule in its time zone, and early once enough orders have arrived", async () => {
    const nightly = await trainedShop("nightly.example.com", { trainingSchedule: "0 3 * * *", retrainAfterOrders: 1000 });
    const madrid = await trainedShop("madrid.example.com", { trainingSchedule: "0 3 * * *", retrainAfterOrders: 1000 }, "Europe/Madrid");
    const busy = await trainedShop("busy.example.com", { trainingSchedule: "0 3 * * 0", retrainAfterOrders: 2 });

    expect(await due("2026-11-20T23:00:00Z")).toEqual([]);
    // 03:00 in Madrid is 02:00 UTC in November.
    expect(await due("2026-11-21T02:30:00Z")).toEqual([[madrid, "schedule"]]);
    expect(await due("2026-11-21T03:10:00Z")).toEqual([
      [nightly, "schedule"],
      [madrid, "schedule"],
    ]);

    const order = (externalId: string, createdAt: Date) => ({
      shopId: busy,
      externalId,
      processedAt: createdAt,
      totalPrice: 10,
      createdAt,
      source: "IMPORT" as const,
    });
    await database.prisma.order.createMany({
      data: [order("old", new Date("2026-11-19T00:00:00Z")), order("new-1", new Date("2026-11-20T11:00:00Z"))],
    });
    expect(await due("2026-11-20T12:00:00Z")).toEqual([]);
    await database.prisma.order.create({ data: order("new-2", new Date("2026-11-20T11:30:00Z")) });
    expect(await due("2026-11-20T12:00:00Z")).toEqual([[busy, "orders"]]);

    // An uninstalled shop is never retrained.
    await database.prisma.shop.update({ where: { id: busy }, data: { uninstalledAt: new Date("2026-11-20T11:45:00Z") } });
    expect(await due("2026-11-20T12:00:00Z")).toEqual([]);
  });

  it("explains a schedule it cannot run", () => {
    expect(checkTrainingSchedule("0 3 * * *", "Europe/Madrid")).toBeNull();
    expect(checkTrainingSchedule("every night")).toMatch(/^"every night" is not a cron schedule such as "0 3 \* \* \*"/);
  });
});
