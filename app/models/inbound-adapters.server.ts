import { createHmac, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fieldErrors, type FieldError } from "../json-body.server";
import { MAX_ID_LENGTH, quoted, storedText } from "../text-input.server";
import { recordInboundEvents, type InboundEvent } from "./inbound.server";

/**
 * Webhooks of popular review and wishlist apps, taken as they are sent, at
 * /inbound/<shop domain>/<app>?token=<token>. Those apps cannot sign a body with Affinity's
 * secret, so the URL carries a token derived from the shop's inbound secret
 * (HMAC-SHA256(secret, app name), base64url): the admin shows each app's URL, and rotating
 * the secret revokes them all.
 */
export const ADAPTERS = ["judgeme", "swym"] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export function adapterToken(secret: string, adapter: AdapterName): string {
  return createHmac("sha256", secret).update(adapter).digest("base64url");
}

export function verifyAdapterToken(secret: string, adapter: AdapterName, token: string | null): boolean {
  if (!token) return false;
  const expected = Buffer.from(adapterToken(secret, adapter));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const id = z.union([storedText(MAX_ID_LENGTH).trim().min(1), z.number().int().nonnegative()]).transform(String);
/** Text of the payload that is stored or looked up (emails, list ids). */
const text = storedText(MAX_ID_LENGTH);
// Date() reads almost anything ("0\u0000" is a date to it): the text must be storable first.
const when = text.transform((value, context) => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    context.addIssue({ code: "custom", message: `not a date: ${quoted(value)}` });
    return z.NEVER;
  }
  return date;
});

/**
 * Judge.me's review webhooks (review/created, review/updated) send the review object of its
 * API (https://judge.me/api/docs): id, rating 1–5, product_external_id (the Shopify product
 * id; absent for a store review), reviewer { external_id (the Shopify customer id), email },
 * created_at. The body is { "review": { … } } or the review itself.
 */
const judgeMeReview = z.object({
  id,
  rating: z.number().int().min(1).max(5),
  product_external_id: id.nullish(),
  reviewer: z.object({ external_id: id.nullish(), email: text.nullish() }).nullish(),
  created_at: when,
});
// Read by its shape rather than as a union, so that an error names the review's own field.
const judgeMeBody = z.preprocess(
  (body) => (body && typeof body === "object" && "review" in body ? body : { review: body }),
  z.object({ review: judgeMeReview }),
);

/**
 * Swym Wishlist Plus events (https://developers.getswym.com/docs/wishlist-events):
 * Swym-addToWishlist and Swym-removeWishlist, in the flat form ({ Event, EventTime, Medium,
 * MediumValue, ProductId, … }) or the nested one ({ EventName, EventTime, User { Medium,
 * MediumValue }, Product { ProductId, … } }). The shopper is known by email.
 */
const swymFlat = z.object({
  Event: z.enum(["Swym-addToWishlist", "Swym-removeWishlist"]),
  EventTime: when,
  Medium: text.nullish(),
  MediumValue: text.nullish(),
  ProductId: id,
  ListId: text.nullish(),
});
const swymNested = z.object({
  EventName: z.enum(["Swym-addToWishlist", "Swym-removeWishlist"]),
  EventTime: when,
  User: z.object({ UserId: text.nullish(), Medium: text.nullish(), MediumValue: text.nullish() }),
  Product: z.object({ ProductId: id }),
  List: z.object({ Id: text.nullish() }).nullish(),
});

interface AdapterEvent {
  key: string;
  kind: InboundEvent["kind"];
  customer: { externalId?: string | null; email?: string | null };
  productId: string;
  rating?: number;
  occurredAt: Date;
}

export class AdapterPayloadError extends Error {
  constructor(readonly errors: FieldError[]) {
    super("the payload is not in the app's documented shape");
  }
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AdapterPayloadError(fieldErrors(parsed.error));
  return parsed.data;
}

export function adapterEvents(adapter: AdapterName, body: unknown): { events: AdapterEvent[]; skipped: string[] } {
  if (adapter === "judgeme") {
    const { review } = parseWith(judgeMeBody, body);
    if (!review.product_external_id) return { events: [], skipped: ["a store review, not about a product"] };
    return {
      events: [
        {
          key: `judgeme:${review.id}`,
          kind: "review",
          customer: { externalId: review.reviewer?.external_id, email: review.reviewer?.email },
          productId: review.product_external_id,
          rating: review.rating,
          occurredAt: review.created_at,
        },
      ],
      skipped: [],
    };
  }
  const event = parseWith(z.union([swymFlat, swymNested]), body);
  const flat = "Event" in event;
  const name = flat ? event.Event : event.EventName;
  const medium = flat ? event.Medium : event.User.Medium;
  const value = flat ? event.MediumValue : event.User.MediumValue;
  const productId = flat ? event.ProductId : event.Product.ProductId;
  const listId = (flat ? event.ListId : event.List?.Id) ?? "default";
  const kind = name === "Swym-addToWishlist" ? "wishlist_add" : "wishlist_remove";
  return {
    events: [
      {
        key: `swym:${kind}:${listId}:${productId}:${event.EventTime.toISOString()}`,
        kind,
        customer: { email: medium === "email" ? value : null },
        productId,
        occurredAt: event.EventTime,
      },
    ],
    skipped: [],
  };
}

/** Resolves each shopper to a store customer (by id, else by email) and stores the events. */
export async function recordAdapterEvents(db: PrismaClient, shopId: string, adapter: AdapterName, body: unknown) {
  const { events, skipped } = adapterEvents(adapter, body);
  const inbound: InboundEvent[] = [];
  for (const event of events) {
    let customerId = event.customer.externalId ?? null;
    const email = event.customer.email?.trim().toLowerCase();
    if (!customerId && email) {
      const customer = await db.customer.findFirst({ where: { shopId, email }, select: { externalId: true } });
      customerId = customer?.externalId ?? null;
    }
    if (!customerId) {
      skipped.push("the shopper is not a customer of the store (no customer id, and no customer with that email)");
      continue;
    }
    inbound.push({
      id: event.key,
      kind: event.kind,
      customer_id: customerId,
      product_id: event.productId,
      rating: event.rating,
      occurred_at: event.occurredAt,
    });
  }
  const stored = inbound.length ? await recordInboundEvents(db, shopId, inbound) : { accepted: 0, duplicates: 0 };
  return { ...stored, skipped };
}
