import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestWebhookEvent } from "../../app/models/ingest/ingest-webhook.server";
import { NotYetStoredError } from "../../app/models/ingest/shopify.server";
import { storeWebhooks } from "../../app/models/webhooks.server";
import { textProblem } from "../../app/text-input.server";
import { createTestDatabase, type TestDatabase } from "../helpers/databases";
import { badText, mutated, runs } from "./arbitraries";
import { WEBHOOK_EXAMPLES } from "./webhook-payloads";

/**
 * The ingest job against a real embedded database: whatever a signed delivery holds, the job
 * finishes, and a payload it cannot take is kept with its error (WebhookEvent.error), never
 * retried as if the database had failed.
 */
const SHOP = "fuzz.myshopify.com";
let database: TestDatabase;

beforeAll(async () => {
  delete process.env.REDIS_URL;
  database = await createTestDatabase("pglite");
});
afterAll(async () => {
  await database?.destroy();
});

/** Stores a delivery and runs its ingestion once; "retry" is a refund whose order is not stored yet, which the job retries. */
async function deliverAndIngest(topic: string, rawBody: string) {
  const [stored] = await storeWebhooks(database.prisma, [
    { webhookId: randomUUID(), shopDomain: SHOP, topic, apiVersion: "2026-07", rawBody },
  ]);
  const outcome = await ingestWebhookEvent(database.prisma, stored.id).catch((error: unknown) => {
    if (error instanceof NotYetStoredError) return { status: "retry" as const };
    throw error;
  });
  const event = await database.prisma.webhookEvent.findUnique({ where: { id: stored.id } });
  return { outcome, event };
}

describe("ingesting webhook payloads", () => {
  it("keeps an order whose customer's email holds a NUL with its error, naming the field", async () => {
    const order = WEBHOOK_EXAMPLES["orders/create"] as { customer: object };
    const { outcome, event } = await deliverAndIngest(
      "orders/create",
      JSON.stringify({ ...order, customer: { ...order.customer, email: "bob\u0000@example.com" } }),
    );
    expect(outcome.status).toBe("rejected");
    expect(event).toMatchObject({
      processedAt: expect.any(Date),
      error: expect.stringMatching(/^unexpected orders\/create payload: customer\.email: must not contain the NUL character/),
    });
    expect(await database.prisma.customer.count({ where: { email: { contains: "bob" } } })).toBe(0);
  });

  it("keeps a product whose date holds a NUL with an error that can itself be stored", async () => {
    const { outcome, event } = await deliverAndIngest(
      "products/update",
      JSON.stringify({ ...WEBHOOK_EXAMPLES["products/update"], updated_at: "yesterday\u0000\ud800" }),
    );
    expect(outcome.status).toBe("rejected");
    expect(event!.error).toContain("updated_at");
  });

  it.each(Object.keys(WEBHOOK_EXAMPLES))("finishes every %s delivery: ingested, or kept with its error", async (topic) => {
    const example = WEBHOOK_EXAMPLES[topic];
    const withBadText = fc
      .tuple(fc.constantFrom(example), badText)
      .map(([payload, bad]) => JSON.stringify(payload).replace(/"([^"\\]*)"(?=[,}\]])/, (_, text) => JSON.stringify(`${text}${bad}`)));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated([example]).map((payload) => JSON.stringify(payload) ?? "null"),
          withBadText,
        ),
        async (rawBody) => {
          const { outcome, event } = await deliverAndIngest(topic, rawBody);
          expect(["ingested", "rejected", ...(topic === "refunds/create" ? ["retry"] : [])]).toContain(outcome.status);
          // A refund of an order not stored yet stays unprocessed, for the job's retries and the sweeper.
          if (outcome.status === "retry") {
            expect(event!.processedAt).toBeNull();
            return;
          }
          // shop/redact deletes the shop's stored deliveries, this one included.
          if (topic === "shop/redact" && outcome.status === "ingested") return;
          expect(event!.processedAt).toEqual(expect.any(Date));
          if (outcome.status === "rejected") expect(textProblem(event!.error ?? "", 100_000), event!.error ?? "no error").toBeNull();
          else expect(event!.error).toBeNull();
        },
      ),
      runs(12),
    );
  });
});
