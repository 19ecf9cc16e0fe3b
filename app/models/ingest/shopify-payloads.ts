import { z } from "zod";
import { MAX_DOCUMENT_LENGTH, MAX_ID_LENGTH, MAX_LINE_LENGTH, quoted, storedText } from "../../text-input.server";

/**
 * Every text of a payload is stored, so each is checked for storage (see storedText): a field
 * with a NUL or a lone surrogate fails the payload, which is then kept with its error.
 */
const code = storedText(MAX_ID_LENGTH);
const line = storedText(MAX_LINE_LENGTH);
const document = storedText(MAX_DOCUMENT_LENGTH);

/**
 * Quantities and stock levels: Shopify keeps inventory within ±1,000,000,000, and the columns
 * they are stored in are 32-bit; a value beyond that is a broken payload, not a count.
 */
const quantity = z.number().int().min(-1_000_000_000).max(1_000_000_000);

/** Shopify ids arrive as numbers in REST-format webhooks; they are kept as strings. */
const id = z.union([z.number().int(), code.min(1)]).transform(String);
/** Prices are stored as DECIMAL(12, 2): a larger amount is a broken payload, not a price. */
const amount = z.number().finite().min(-9_999_999_999.99).max(9_999_999_999.99);
const money = z.union([z.string(), z.number()]).transform(Number).pipe(amount);
const optionalMoney = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined || value === "" ? null : Number(value)))
  .pipe(amount.nullable());
// Date() reads almost anything ("0\u0000" is a date to it): the text must be storable first.
const timestamp = code.transform((value, context) => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    context.addIssue({ code: "custom", message: `not a date: ${quoted(value)}` });
    return z.NEVER;
  }
  return date;
});

export const customerPayload = z.object({
  id,
  email: code.nullish(),
  first_name: line.nullish(),
  last_name: line.nullish(),
  tags: document.nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
  default_address: z.object({ country_code: code.nullish(), province_code: code.nullish(), city: line.nullish() }).nullish(),
  email_marketing_consent: z.object({ state: code.nullish() }).nullish(),
});

export const orderPayload = z.object({
  id,
  name: line.nullish(),
  currency: code.nullish(),
  total_price: money.nullish(),
  financial_status: code.nullish(),
  test: z.boolean().nullish(),
  created_at: timestamp,
  processed_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
  cancelled_at: timestamp.nullish(),
  /** Links the browser the pixel saw complete this checkout to the order's customer. */
  checkout_token: code.nullish(),
  customer: customerPayload.nullish(),
  billing_address: z.object({ country_code: code.nullish() }).nullish(),
  line_items: z.array(
    z.object({
      id,
      product_id: id.nullish(),
      variant_id: id.nullish(),
      title: line.nullish(),
      quantity,
      price: money,
      gift_card: z.boolean().nullish(),
    }),
  ),
});

export const productPayload = z.object({
  id,
  title: line,
  body_html: document.nullish(),
  vendor: line.nullish(),
  product_type: line.nullish(),
  handle: code.nullish(),
  status: z.enum(["active", "draft", "archived"]).nullish(),
  tags: document.nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
  published_at: timestamp.nullish(),
  image: z.object({ src: line, alt: line.nullish() }).nullish(),
  variants: z
    .array(
      z.object({
        id,
        title: line.nullish(),
        sku: code.nullish(),
        price: money,
        compare_at_price: optionalMoney,
        inventory_quantity: quantity.nullish(),
        inventory_item_id: id.nullish(),
      }),
    )
    .default([]),
});

export const deletedPayload = z.object({ id });

export type OrderPayload = z.infer<typeof orderPayload>;
export type ProductPayload = z.infer<typeof productPayload>;
export type CustomerPayload = z.infer<typeof customerPayload>;

/** "a, b ,c" → ["a", "b", "c"] (Shopify sends tags as one comma-separated string). */
export function splitTags(tags: string | null | undefined): string[] {
  return (tags ?? "")
    .split(",")
    .map((tag) => tag.trim().toLowerCase())
    .filter(Boolean);
}

/** Product descriptions arrive as HTML; the models read text. */
export function htmlToText(html: string | null | undefined): string {
  return (html ?? "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * JSON.parse for Shopify payloads, keeping ids exact: REST-format ids are 64-bit integers and
 * can exceed 2^53, where JSON.parse would silently round them. Integer literals of 16 digits or
 * more (outside strings) are read as strings; no quantity or price in a payload is that long.
 */
export function parseShopifyJson(raw: string): unknown {
  let out = "";
  let start = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      continue;
    }
    if ((char === "-" || (char >= "0" && char <= "9")) && !/[\d.eE+-]/.test(raw[i - 1] ?? "")) {
      let end = i + 1;
      while (end < raw.length && raw[end] >= "0" && raw[end] <= "9") end++;
      const isInteger = !/[.eE]/.test(raw[end] ?? "");
      const digits = end - i - (char === "-" ? 1 : 0);
      if (isInteger && digits >= 16) {
        out += raw.slice(start, i) + '"' + raw.slice(i, end) + '"';
        start = end;
      }
      i = end - 1;
    }
  }
  return JSON.parse(out + raw.slice(start));
}

/** The mandatory compliance topics (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance). */
export const customersDataRequestPayload = z.object({
  shop_domain: code,
  customer: z.object({ id }),
  orders_requested: z.array(id).default([]),
});
export const customersRedactPayload = z.object({
  shop_domain: code,
  customer: z.object({ id }),
  orders_to_redact: z.array(id).default([]),
});
export const shopRedactPayload = z.object({ shop_domain: code });

export const refundPayload = z.object({
  id,
  order_id: id,
  created_at: timestamp,
  refund_line_items: z
    .array(
      z.object({
        id,
        line_item_id: id,
        quantity,
        subtotal: money.nullish(),
        line_item: z.object({ product_id: id.nullish() }).nullish(),
      }),
    )
    .default([]),
});

export const inventoryLevelPayload = z.object({
  inventory_item_id: id,
  location_id: id.nullish(),
  available: quantity.nullish(),
  updated_at: timestamp.nullish(),
});

export type RefundPayload = z.infer<typeof refundPayload>;
export type InventoryLevelPayload = z.infer<typeof inventoryLevelPayload>;
