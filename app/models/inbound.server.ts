import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { MAX_ID_LENGTH, storedText } from "../text-input.server";
import { appendInteractions } from "./interactions.server";
import { customerRowIds, productRowIds } from "./placeholders.server";

/**
 * Wishlist and review events from other apps, posted to /inbound/<shop domain>/events:
 *
 *   { "events": [ { "id": "rev-881", "kind": "review", "customer_id": "7000000001",
 *                   "product_id": "8000000042", "rating": 2, "occurred_at": "2026-11-20T10:00:00Z" } ] }
 *
 * kind is wishlist_add, wishlist_remove or review (rating 1–5 required); ids are the store's own
 * customer and product ids. The body is signed: X-Affinity-Hmac-Sha256 is the base64 HMAC-SHA256
 * of the raw body with the shop's inbound secret. Events with an id are stored once per id.
 */
export const INBOUND_SIGNATURE_HEADER = "x-affinity-hmac-sha256";
export const MAX_EVENTS_PER_REQUEST = 1_000;

const externalId = z.union([storedText(MAX_ID_LENGTH).trim().min(1), z.number().int().nonnegative()]).transform(String);
const inboundEvent = z
  .object({
    id: externalId.optional(),
    kind: z.enum(["wishlist_add", "wishlist_remove", "review"]),
    customer_id: externalId,
    product_id: externalId,
    rating: z.number().int().min(1).max(5).optional(),
    occurred_at: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
  })
  .refine((event) => event.kind !== "review" || event.rating !== undefined, {
    message: "a review needs a rating from 1 to 5",
    path: ["rating"],
  });

export const inboundBody = z.object({ events: z.array(inboundEvent).min(1).max(MAX_EVENTS_PER_REQUEST) });
export type InboundEvent = z.infer<typeof inboundEvent>;

export function signInboundBody(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}

export function verifyInboundSignature(rawBody: string, secret: string, signature: string | null): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signInboundBody(rawBody, secret));
  const given = Buffer.from(signature.trim());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The shop's inbound secret, created on first use (the admin shows it and can rotate it). */
export async function ensureInboundSecret(db: PrismaClient, shopId: string): Promise<string> {
  const settings = await db.shopSettings.upsert({ where: { shopId }, create: { shopId }, update: {} });
  if (settings.inboundSecret) return settings.inboundSecret;
  const secret = randomBytes(32).toString("hex");
  await db.shopSettings.update({ where: { shopId }, data: { inboundSecret: secret } });
  return secret;
}

const KINDS = { wishlist_add: "WISHLIST_ADD", wishlist_remove: "WISHLIST_REMOVE", review: "REVIEW" } as const;

/** Stores events as interactions; customers and products not synced yet are created as placeholders. */
export async function recordInboundEvents(db: PrismaClient, shopId: string, events: InboundEvent[]) {
  const customers = await customerRowIds(
    db,
    shopId,
    events.map((event) => event.customer_id),
  );
  const products = await productRowIds(
    db,
    shopId,
    events.map((event) => event.product_id),
  );
  const rows: Prisma.InteractionCreateManyInput[] = events.map((event) => ({
    shopId,
    kind: KINDS[event.kind],
    customerId: customers.get(event.customer_id)!,
    productId: products.get(event.product_id)!,
    rating: event.kind === "review" ? event.rating! : null,
    occurredAt: event.occurred_at,
    source: "INBOUND",
    dedupeKey: event.id
      ? `inbound:${event.kind}:${event.id}`
      : `inbound:${event.kind}:${event.customer_id}:${event.product_id}:${event.occurred_at.toISOString()}`,
  }));
  const accepted = await appendInteractions(db, rows);
  return { accepted, duplicates: events.length - accepted };
}
