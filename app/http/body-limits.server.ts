import { MAX_EVENTS_PER_REQUEST } from "../models/inbound.server";
import { MAX_RECOMMENDATION_EVENT_BODY_BYTES } from "../models/measurement.server";
import { MAX_PIXEL_BODY_BYTES } from "../models/pixel.server";
import { MAX_SHOPPER_TOKEN_BODY_BYTES } from "../models/signed-tokens.server";

/** The largest request body a family of routes accepts, and what a sender should change when over it. */
export interface BodyLimit {
  /** Named in the 413 answer, e.g. "webhook deliveries (/webhooks/…)". */
  family: string;
  bytes: number;
  /** What to send instead, for the 413 answer. */
  advice: string;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Webhook deliveries from Shopify. Most are a few KB, but a product with thousands of variants
 * or an order with hundreds of line items runs past 1 MB (Shopify itself only promises to
 * inline up to 1,000,000 bytes on EventBridge, and says HTTP bodies can be "upwards of a
 * megabyte"). A 413 here is a lost delivery once Shopify's retries run out, so the cap is set
 * well above the largest real payload; it is low enough that an unsigned sender cannot make the
 * server buffer and HMAC more than 4 MiB per request before the 401.
 */
export const MAX_WEBHOOK_BODY_BYTES = 4 * MIB;

/**
 * Other apps' events, /inbound/<shop>/events and /inbound/<shop>/<app>. Affinity's own format
 * takes at most MAX_EVENTS_PER_REQUEST events, each under ~300 bytes of JSON (two ids, a kind,
 * a rating, a timestamp): about 300 KB at most. A review app's webhook carries one review (its
 * text and a few picture URLs), a few KB. 1 MiB is three times the largest valid batch; the
 * body has to be read before its signature can be checked, so this is what a sender without
 * the shop's secret can make the server read.
 */
export const MAX_INBOUND_BODY_BYTES = 1 * MIB;

/**
 * Everything else: the admin's forms (settings, rules, pairs, seasonality) and the auth routes
 * post a few KB of form fields. A route that needs larger bodies (an upload) gets its own family.
 */
const MAX_OTHER_BODY_BYTES = 1 * MIB;

const WEBHOOKS: BodyLimit = {
  family: "webhook deliveries (/webhooks/…)",
  bytes: MAX_WEBHOOK_BODY_BYTES,
  advice: "Shopify's deliveries stay well under it; check that the request comes from Shopify",
};
const INBOUND: BodyLimit = {
  family: "inbound events (/inbound/<shop>/…)",
  bytes: MAX_INBOUND_BODY_BYTES,
  advice: `send at most ${MAX_EVENTS_PER_REQUEST} events per request, in several requests if needed`,
};
const PIXEL: BodyLimit = {
  family: "web pixel batches (/pixel/events)",
  bytes: MAX_PIXEL_BODY_BYTES,
  advice: "send fewer events per batch",
};
const RECOMMENDATION_EVENTS: BodyLimit = {
  family: "recommendation events (/api/v1/events, /apps/affinity/events)",
  bytes: MAX_RECOMMENDATION_EVENT_BODY_BYTES,
  advice: "send one event (one token, at most 50 product ids) per request",
};
const SHOPPER_TOKENS: BodyLimit = {
  family: "shopper tokens (/api/v1/shopper-tokens)",
  bytes: MAX_SHOPPER_TOKEN_BODY_BYTES,
  advice: "name one shopper: customerId and/or visitor",
};
const OTHER: BodyLimit = {
  family: "requests to the app",
  bytes: MAX_OTHER_BODY_BYTES,
  advice: "send a smaller body",
};

/**
 * The path as Remix matches it against route files: segments percent-decoded, case ignored,
 * repeated slashes as one, without trailing slashes or the `.data` suffix of single-fetch requests. Otherwise
 * `/Pixel/Events/` would reach the pixel route under the general cap.
 */
function routePath(pathname: string): string {
  const decoded = pathname.includes("%") ? pathname.split("/").map(decodeSegment).join("/") : pathname;
  return decoded
    .toLowerCase()
    .replace(/\/{2,}/g, "/")
    .replace(/\.data$/, "")
    .replace(/\/+$/, "");
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The limit for a request to this path (the URL's path, without the query). */
export function bodyLimitFor(pathname: string): BodyLimit {
  const path = routePath(pathname);
  if (path.startsWith("/webhooks/")) return WEBHOOKS;
  if (path.startsWith("/inbound/")) return INBOUND;
  if (path === "/pixel/events") return PIXEL;
  if (path === "/api/v1/events" || path === "/apps/affinity/events") return RECOMMENDATION_EVENTS;
  if (path === "/api/v1/shopper-tokens") return SHOPPER_TOKENS;
  return OTHER;
}

/** The 413 answer's body: the limit in bytes, whose limit it is, and what to send instead. */
export function bodyTooLargeAnswer(limit: BodyLimit): { error: string; limitBytes: number } {
  return { error: `the body is larger than ${limit.bytes} bytes, the limit for ${limit.family}: ${limit.advice}`, limitBytes: limit.bytes };
}
