import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { appendInteractions } from "./interactions.server";
import { customerRowIds, productRowIds } from "./placeholders.server";

/**
 * Storefront events from Affinity's web pixel (extensions/affinity-pixel), posted to
 * /pixel/events with navigator.sendBeacon. The body is the pixel's PixelBatch:
 *
 *   { "shop": "store.myshopify.com", "key": "<pixel key>", "clientId": "<Shopify client id>",
 *     "consent": { "analytics": true }, "events": [ { "id": "sh-…", "kind": "view", "at": "…", "productId": "632910392" } ] }
 *
 * The key is the shop's pixelKey, set in the pixel's settings when the app creates it; it
 * only says which shop's pixel sent the events (it is visible in the storefront). Events
 * without analytics consent are dropped unread. Purchases are not stored as interactions
 * (orders arrive by webhook); they link the browser to the customer who bought.
 */
export const MAX_PIXEL_BODY_BYTES = 64 * 1024;

const id = z.union([z.string().trim().min(1).max(100), z.number().int().nonnegative()]).transform(String);
const pixelEvent = z.object({
  id: z.string().min(1).max(200),
  kind: z.enum(["view", "add_to_cart", "search", "purchase", "wishlist_add", "wishlist_remove"]),
  at: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
  productId: id.optional(),
  quantity: z.number().int().min(1).max(1_000).optional(),
  query: z.string().trim().min(1).max(200).optional(),
  productIds: z.array(id).max(250).optional(),
  orderId: id.optional(),
  customerId: id.optional(),
});

export const pixelBatch = z.object({
  shop: z.string().trim().toLowerCase().min(1),
  key: z.string().min(1),
  clientId: z.string().trim().min(1).max(200),
  consent: z.object({ analytics: z.boolean() }),
  events: z.array(pixelEvent).min(1).max(100),
});
export type PixelBatch = z.infer<typeof pixelBatch>;

/** The shop's pixel key, created on first use (the pixel's settings carry it). */
export async function ensurePixelKey(db: PrismaClient, shopId: string): Promise<string> {
  const settings = await db.shopSettings.upsert({ where: { shopId }, create: { shopId }, update: {} });
  if (settings.pixelKey) return settings.pixelKey;
  const key = randomBytes(18).toString("base64url");
  await db.shopSettings.update({ where: { shopId }, data: { pixelKey: key } });
  return key;
}

export function pixelKeyMatches(expected: string | null | undefined, given: string): boolean {
  if (!expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const KINDS = {
  view: "VIEW",
  add_to_cart: "ADD_TO_CART",
  search: "SEARCH",
  wishlist_add: "WISHLIST_ADD",
  wishlist_remove: "WISHLIST_REMOVE",
} as const;

export interface PixelResult {
  accepted: number;
  duplicates: number;
  /** Events dropped because the shopper did not allow analytics. */
  withoutConsent: number;
}

export async function recordPixelEvents(db: PrismaClient, shopId: string, batch: PixelBatch): Promise<PixelResult> {
  if (!batch.consent.analytics) return { accepted: 0, duplicates: 0, withoutConsent: batch.events.length };
  const visitorKey = batch.clientId;
  const customerExternalId = batch.events.map((event) => event.customerId).find(Boolean);
  const customerId = customerExternalId ? (await customerRowIds(db, shopId, [customerExternalId])).get(customerExternalId)! : null;
  const lastSeen = new Date(Math.max(...batch.events.map((event) => event.at.getTime())));
  await db.visitor.upsert({
    where: { shopId_visitorKey: { shopId, visitorKey } },
    create: { shopId, visitorKey, customerId, firstSeen: lastSeen, lastSeen },
    update: { lastSeen, ...(customerId ? { customerId } : {}) },
  });
  if (customerId) {
    // What this browser did before the shopper was known now counts for the customer.
    await db.interaction.updateMany({ where: { shopId, visitorKey, customerId: null }, data: { customerId } });
  }

  const products = await productRowIds(
    db,
    shopId,
    batch.events.filter((event) => event.kind !== "purchase" && event.productId).map((event) => event.productId!),
  );

  const rows: Prisma.InteractionCreateManyInput[] = [];
  for (const event of batch.events) {
    if (event.kind === "purchase") continue;
    if (event.kind === "search" ? !event.query : !event.productId) continue;
    rows.push({
      shopId,
      kind: KINDS[event.kind],
      customerId,
      visitorKey,
      productId: event.productId ? products.get(event.productId) : null,
      quantity: event.quantity ?? 1,
      query: event.kind === "search" ? event.query : null,
      occurredAt: event.at,
      source: "PIXEL",
      dedupeKey: `pixel:${event.id}`,
    });
  }
  const accepted = await appendInteractions(db, rows);
  const stored = batch.events.filter((event) => event.kind === "purchase").length + accepted;
  return { accepted: stored, duplicates: batch.events.length - stored, withoutConsent: 0 };
}
