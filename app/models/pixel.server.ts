import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { MAX_ID_LENGTH, storedText } from "../text-input.server";
import { appendInteractions } from "./interactions.server";
import type { FieldError } from "../json-body.server";
import { productRowIds } from "./placeholders.server";
import { recordCheckoutVisitor } from "./visitors.server";

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
 * (orders arrive by webhook); their checkout token links the browser to the customer once the
 * signed orders/create webhook names the same checkout (see visitors.server.ts). A batch never
 * names a customer itself: anyone can post one.
 */
export const MAX_PIXEL_BODY_BYTES = 64 * 1024;

const id = z.union([storedText(100).trim().min(1), z.number().int().nonnegative()]).transform(String);
const pixelEvent = z.object({
  id: storedText(200).min(1),
  kind: z.enum(["view", "add_to_cart", "search", "purchase", "wishlist_add", "wishlist_remove"]),
  at: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
  productId: id.optional(),
  quantity: z.number().int().min(1).max(1_000).optional(),
  query: storedText(200).trim().min(1).optional(),
  productIds: z.array(id).max(250).optional(),
  orderId: id.optional(),
  checkoutToken: storedText(MAX_ID_LENGTH).trim().min(1).optional(),
});

export const pixelBatch = z.object({
  shop: storedText(MAX_ID_LENGTH).trim().toLowerCase().min(1),
  key: storedText(MAX_ID_LENGTH).min(1),
  clientId: storedText(200).trim().min(1),
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

/** How far ahead of the server's clock an event may be dated (browsers' clocks drift). */
const PIXEL_CLOCK_SKEW_MS = 5 * 60_000;
/** How long before the shop installed the app an event may be dated (the pixel exists from then on). */
const PIXEL_BEFORE_INSTALL_MS = 24 * 60 * 60_000;

/** Events dated in the future, or long before the shop installed the app (which only a forged batch has). */
function implausibleDates(batch: PixelBatch, installedAt: Date, now = new Date()): FieldError[] {
  const latest = now.getTime() + PIXEL_CLOCK_SKEW_MS;
  const earliest = installedAt.getTime() - PIXEL_BEFORE_INSTALL_MS;
  return batch.events.flatMap((event, index) =>
    event.at.getTime() > latest
      ? [{ field: `events.${index}.at`, message: `is in the future (${event.at.toISOString()}); send the time the event happened` }]
      : event.at.getTime() < earliest
        ? [{ field: `events.${index}.at`, message: `is before the shop installed Affinity (${installedAt.toISOString()})` }]
        : [],
  );
}

export async function recordPixelEvents(
  db: PrismaClient,
  shop: { id: string; installedAt: Date },
  batch: PixelBatch,
): Promise<PixelResult | { errors: FieldError[] }> {
  if (!batch.consent.analytics) return { accepted: 0, duplicates: 0, withoutConsent: batch.events.length };
  const errors = implausibleDates(batch, shop.installedAt);
  if (errors.length) return { errors };
  const shopId = shop.id;
  const visitorKey = batch.clientId;
  const times = batch.events.map((event) => event.at.getTime());
  const lastSeen = new Date(Math.max(...times));
  const visitor = await db.visitor.upsert({
    where: { shopId_visitorKey: { shopId, visitorKey } },
    create: { shopId, visitorKey, firstSeen: new Date(Math.min(...times)), lastSeen },
    update: { lastSeen },
    select: { customerId: true },
  });
  const customerId = visitor.customerId;

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
  for (const event of batch.events) {
    if (event.kind === "purchase" && event.checkoutToken) await recordCheckoutVisitor(db, shopId, event.checkoutToken, visitorKey);
  }
  const stored = batch.events.filter((event) => event.kind === "purchase").length + accepted;
  return { accepted: stored, duplicates: batch.events.length - stored, withoutConsent: 0 };
}
