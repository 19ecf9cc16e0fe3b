import { Prisma } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendInteractions } from "../app/models/interactions.server";
import { comparable, writeEveryModel } from "./fixtures/every-model";
import { migrationFiles } from "../app/db/migrate.server";
import { createTestDatabase, migrate, type TestDatabase } from "./helpers/databases";
import { POSTGRES_ADMIN_URL, serviceAvailable } from "./helpers/services";

const postgresUp = await serviceAvailable("PostgreSQL", POSTGRES_ADMIN_URL);

describe.each([
  ["pglite", true],
  ["postgres", postgresUp],
] as const)("migrations and every model on %s", (kind, available) => {
  let database: TestDatabase;

  beforeAll(async () => {
    if (available) database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it.skipIf(!available)("applies the whole migration history, recorded as Prisma Migrate records it", async () => {
    const applied = await database.prisma.$queryRaw<{ migration_name: string; checksum: string; finished_at: Date | null }[]>`
      SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name`;
    // On PostgreSQL the Prisma CLI wrote these rows; on PGlite the in-process runner did.
    expect(applied.map(({ migration_name, checksum }) => ({ name: migration_name, checksum }))).toEqual(
      migrationFiles().map(({ name, checksum }) => ({ name, checksum })),
    );
    expect(applied.every((migration) => migration.finished_at !== null)).toBe(true);
    expect(await migrate(database.target)).toEqual([]);
  });

  it.skipIf(!available)("round-trips a fully populated row of every model", async () => {
    const written = await writeEveryModel(database.prisma);
    expect(Object.keys(written).sort()).toEqual(Object.values(Prisma.ModelName).sort());

    for (const [model, { where, data }] of Object.entries(written)) {
      const delegate = (database.prisma as unknown as Record<string, { findUniqueOrThrow: (args: object) => Promise<object> }>)[
        model.charAt(0).toLowerCase() + model.slice(1)
      ];
      const read = await delegate.findUniqueOrThrow({ where });
      expect(comparable(read), model).toMatchObject(comparable(data) as object);
    }
  });

  it.skipIf(!available)("keeps webhook deliveries unique by webhook id", async () => {
    await expect(
      database.prisma.webhookEvent.create({
        data: {
          webhookId: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
          shopDomain: "demo.myshopify.com",
          topic: "orders/create",
          rawBody: "{}",
        },
      }),
    ).rejects.toMatchObject({ code: "P2002" });
  });

  it.skipIf(!available)("appends interactions in bulk, once per dedupe key", async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({
      shopId: "shop1",
      kind: i % 2 ? ("VIEW" as const) : ("REVIEW" as const),
      customerId: "cu1",
      productId: "p2",
      rating: i % 2 ? null : 4,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
      source: "PIXEL" as const,
      dedupeKey: `bulk:${i}`,
    }));
    expect(await appendInteractions(database.prisma, rows)).toBe(25);
    expect(await appendInteractions(database.prisma, rows)).toBe(0);
    const stored = await database.prisma.interaction.findUniqueOrThrow({
      where: { shopId_dedupeKey: { shopId: "shop1", dedupeKey: "bulk:4" } },
    });
    expect(stored).toMatchObject({
      kind: "REVIEW",
      rating: 4,
      quantity: 1,
      visitorKey: null,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 4)),
    });
  });

  it.skipIf(!available)("deletes everything a shop owns with the shop", async () => {
    await database.prisma.shop.delete({ where: { id: "shop1" } });
    expect(await database.prisma.product.count()).toBe(0);
    expect(await database.prisma.interaction.count()).toBe(0);
    expect(await database.prisma.recommendationList.count()).toBe(0);
    // The record that a privacy request was received outlives the shop.
    expect(await database.prisma.privacyRequest.count()).toBe(1);
  });
});
