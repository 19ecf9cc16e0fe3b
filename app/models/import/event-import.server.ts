import fs from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { RawDatabase } from "../../db/raw.server";
import { MAX_ID_LENGTH, storedText } from "../../text-input.server";
import { appendInteractions } from "../interactions.server";
import { ExternalIds } from "./external-ids.server";
import { ImportFormatError, normaliseId } from "./order-rows";

/**
 * Browsing, wishlist and review events for headless stores, one JSON object per line:
 *
 *   {"id":"e-1","kind":"view","customer_id":"17850","product_id":"85123A","occurred_at":"2011-03-01T10:30:00Z"}
 *   {"kind":"search","visitor_id":"b-9","query":"lantern","occurred_at":"2011-03-01T10:31:00Z"}
 *   {"kind":"review","customer_id":"17850","product_id":"22423","rating":2,"occurred_at":"2011-03-04T08:00:00Z"}
 *
 * kind: view, add_to_cart, search, wishlist_add, wishlist_remove or review (rating 1–5); the
 * shopper is customer_id (the store's id, as in the order file) or an anonymous visitor_id;
 * product_id is required except for searches. Ids are normalised as in the order import, so
 * events and orders name the same products. One transaction per file; an event with an id is
 * stored once, and so is an event without one that repeats every field.
 */
const KINDS = {
  view: "VIEW",
  add_to_cart: "ADD_TO_CART",
  search: "SEARCH",
  wishlist_add: "WISHLIST_ADD",
  wishlist_remove: "WISHLIST_REMOVE",
  review: "REVIEW",
} as const;

const text = z.union([storedText(MAX_ID_LENGTH).trim().min(1), z.number()]).transform(String);
const eventLine = z
  .object({
    id: text.optional(),
    kind: z.enum(Object.keys(KINDS) as [keyof typeof KINDS, ...(keyof typeof KINDS)[]]),
    customer_id: text.optional(),
    visitor_id: text.optional(),
    product_id: text.optional(),
    quantity: z.number().int().min(1).max(10_000).optional(),
    rating: z.number().int().min(1).max(5).optional(),
    query: storedText(200).trim().min(1).optional(),
    occurred_at: z.iso.datetime({ offset: true, local: true }),
  })
  .refine((event) => event.customer_id || event.visitor_id, { message: "expected customer_id or visitor_id", path: ["customer_id"] })
  .refine((event) => event.kind === "search" || event.product_id, { message: "expected a product_id", path: ["product_id"] })
  .refine((event) => event.kind !== "search" || event.query, { message: "a search needs its query", path: ["query"] })
  .refine((event) => event.kind !== "review" || event.rating !== undefined, {
    message: "a review needs a rating from 1 to 5",
    path: ["rating"],
  });

const LINES_PER_BATCH = 5_000;

export interface EventSummary {
  file: string;
  linesRead: number;
  imported: number;
  duplicates: number;
}

export async function importEventFile(db: RawDatabase, shopId: string, file: string): Promise<EventSummary> {
  const name = path.basename(file);
  const summary: EventSummary = { file: name, linesRead: 0, imported: 0, duplicates: 0 };
  await db.transaction(async (sql) => {
    const ids = new ExternalIds(sql, shopId);
    let batch: (z.infer<typeof eventLine> & { line: number })[] = [];

    const flush = async () => {
      if (!batch.length) return;
      await ids.ensureProducts(
        batch.flatMap((event) => (event.product_id ? [{ externalId: event.product_id, title: `Product ${event.product_id}` }] : [])),
      );
      await ids.ensureCustomers(batch.flatMap((event) => (event.customer_id ? [{ externalId: event.customer_id }] : [])));
      const rows: Prisma.InteractionCreateManyInput[] = batch.map((event) => ({
        shopId,
        kind: KINDS[event.kind],
        customerId: event.customer_id ? ids.customers.get(event.customer_id)! : null,
        visitorKey: event.visitor_id ?? null,
        productId: event.product_id ? ids.products.get(event.product_id)! : null,
        quantity: event.quantity ?? 1,
        rating: event.kind === "review" ? event.rating! : null,
        query: event.kind === "search" ? event.query! : null,
        occurredAt: new Date(
          event.occurred_at.endsWith("Z") || /[+-]\d\d:\d\d$/.test(event.occurred_at) ? event.occurred_at : `${event.occurred_at}Z`,
        ),
        source: "IMPORT",
        dedupeKey: event.id
          ? `import-event:${event.id}`
          : `import-event:${event.kind}:${event.customer_id ?? ""}:${event.visitor_id ?? ""}:${event.product_id ?? event.query}:${event.occurred_at}`,
      }));
      const inserted = await appendInteractions(sql, rows);
      summary.imported += inserted;
      summary.duplicates += rows.length - inserted;
      batch = [];
    };

    const lines = createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const raw of lines) {
      lineNumber++;
      if (!raw.trim()) continue;
      summary.linesRead++;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new ImportFormatError(name, lineNumber, null, `expected one JSON object per line, found: ${raw.slice(0, 60)}`);
      }
      const parsed = eventLine.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ImportFormatError(name, lineNumber, issue.path.join(".") || null, issue.message);
      }
      const event = parsed.data;
      batch.push({
        ...event,
        line: lineNumber,
        customer_id: event.customer_id ? normaliseId(event.customer_id) : undefined,
        product_id: event.product_id ? normaliseId(event.product_id) : undefined,
      });
      if (batch.length >= LINES_PER_BATCH) await flush();
    }
    await flush();
  });
  return summary;
}
