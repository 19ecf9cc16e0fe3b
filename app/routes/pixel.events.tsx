import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { parseJsonBody } from "../json-body.server";
import { MAX_PIXEL_BODY_BYTES, pixelBatch, pixelKeyMatches, recordPixelEvents } from "../models/pixel.server";
import { getShopByDomain } from "../models/shops.server";

// The pixel runs in Shopify's sandbox on the store's domain and posts with sendBeacon
// (text/plain, no preflight); any origin may post, the pixel key says which shop it is.
const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type",
};
const json = (body: object, status: number) => Response.json(body, { status, headers: CORS });

export const loader = () => new Response(null, { status: 204, headers: CORS });

// POST /pixel/events: storefront events from the web pixel (see app/models/pixel.server.ts).
export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
  if (request.method !== "POST") return json({ error: "use POST" }, 405);
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_PIXEL_BODY_BYTES) return json({ error: `the body is larger than ${MAX_PIXEL_BODY_BYTES} bytes` }, 413);
  const parsed = parseJsonBody(raw, pixelBatch, "the batch is not valid; nothing was stored");
  if (!("data" in parsed)) return json(parsed.body, parsed.status);
  const shop = await getShopByDomain(prisma, parsed.data.shop);
  if (!shop || shop.uninstalledAt || !pixelKeyMatches(shop.settings?.pixelKey, parsed.data.key)) {
    return json({ error: "unknown shop or wrong pixel key" }, 403);
  }
  const recorded = await recordPixelEvents(prisma, shop, parsed.data);
  if ("errors" in recorded) return json({ error: "the batch is not valid; nothing was stored", errors: recorded.errors }, 400);
  return json(recorded, 202);
};
