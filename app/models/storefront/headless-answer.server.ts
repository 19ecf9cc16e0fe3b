import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import type { PlainAnswer } from "../../plain-answer.server";
import { parseJsonBody } from "../../json-body.server";
import { MAX_ID_LENGTH, readShopperId, storedText } from "../../text-input.server";
import { authenticateApiKey, secretKeyIsLive, type ApiKeyGrant } from "../api-keys.server";
import { MAX_RECOMMENDATION_EVENT_BODY_BYTES, recordRecommendationEvents, recommendationEventBody } from "../measurement.server";
import { answerRecommendationQuery, tokenSecret } from "../recommendations/index.server";
import {
  MAX_SHOPPER_TOKEN_BODY_BYTES,
  MAX_SHOPPER_TOKEN_TTL_SECONDS,
  signShopperToken,
  verifyShopperToken,
  type ShopperIdentity,
} from "../signed-tokens.server";
import { API_REQUESTS_PER_SECOND, consumeRateLimit } from "./rate-limits.server";

export { API_REQUESTS_PER_SECOND };

/** Where a browser sends its shopper token: this header, or the `shopper_token` query parameter. */
const SHOPPER_TOKEN_HEADER = "x-affinity-shopper-token";

const CORS_PREFLIGHT = {
  "Access-Control-Allow-Headers": "Authorization, X-Affinity-Key, X-Affinity-Shopper-Token, Content-Type",
  "Access-Control-Max-Age": "600",
};

export interface HeadlessRequest {
  method: string;
  url: URL;
  /** The Origin header: present when a browser calls. */
  origin: string | null;
  /** `Authorization: Bearer <key>` or `X-Affinity-Key: <key>`. */
  authorization: string | null;
  keyHeader: string | null;
  /** `X-Affinity-Shopper-Token`, when not in the query. */
  shopperTokenHeader?: string | null;
}

export function headlessRequestOf(request: Request): HeadlessRequest {
  return {
    method: request.method,
    url: new URL(request.url),
    origin: request.headers.get("origin"),
    authorization: request.headers.get("authorization"),
    keyHeader: request.headers.get("x-affinity-key"),
    shopperTokenHeader: request.headers.get(SHOPPER_TOKEN_HEADER),
  };
}

/**
 * What every headless request passes first: the key (which names the shop), the key's kind
 * against the caller (a secret key never from a browser; a publishable key only from its
 * origins), and the key's request rate. Either the grant and the headers to answer with, or the
 * refusal.
 */
async function admit(
  db: PrismaClient,
  request: HeadlessRequest,
): Promise<{ grant: ApiKeyGrant; headers: Record<string, string> } | { refusal: PlainAnswer }> {
  const key = request.keyHeader?.trim() || request.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] || "";
  if (!key) return { refusal: error(401, "send your API key as `Authorization: Bearer <key>` (create one in the app's Settings)") };
  const grant = await authenticateApiKey(db, key);
  if (!grant) return { refusal: error(401, "this API key is not valid or has been revoked") };
  const headers: Record<string, string> = { Vary: "Origin" };
  if (request.origin) {
    if (grant.kind === "SECRET") {
      return {
        refusal: error(
          403,
          "this is a secret key, which must never reach a browser: call from your server, or create a publishable key for this origin and revoke this one",
          headers,
        ),
      };
    }
    if (!grant.allowedOrigins.includes(request.origin)) {
      return {
        refusal: error(
          403,
          `${request.origin} may not call with this key; add it to the key's allowed origins in the app's Settings`,
          headers,
        ),
      };
    }
    headers["Access-Control-Allow-Origin"] = request.origin;
  }
  const rate = await consumeRateLimit("api-key", grant.keyId);
  if ("refusal" in rate) return { refusal: { ...rate.refusal, headers: { ...headers, ...rate.refusal.headers } } };
  Object.assign(headers, rate.headers);
  const shop = request.url.searchParams.get("shop");
  if (shop && shop.toLowerCase() !== grant.shopDomain)
    return { refusal: error(403, `this key belongs to another shop than ${shop}`, headers) };
  return { grant, headers };
}

/**
 * Who the request is for. A secret key's server names the shopper itself (`customer_id`,
 * `visitor`); a publishable key never may, since anyone can copy it from a page: its browser
 * sends the shopper token its server minted instead, and only that token's shopper is read.
 */
async function shopperOf(
  db: PrismaClient,
  request: HeadlessRequest,
  grant: ApiKeyGrant,
  claimed: { customerId: string | null; visitorKey: string | null },
): Promise<{ shopper: ShopperIdentity } | { refusal: { status: number; message: string; field?: string } }> {
  const token = request.url.searchParams.get("shopper_token")?.trim() || request.shopperTokenHeader?.trim() || "";
  if (token) {
    if (claimed.customerId || claimed.visitorKey) {
      return {
        refusal: {
          status: 400,
          field: claimed.customerId ? "customer_id" : "visitor",
          message: "send either a shopper token or the shopper's ids, not both",
        },
      };
    }
    const checked = verifyShopperToken(tokenSecret(), token);
    if ("refusal" in checked) return { refusal: { status: 401, message: checked.refusal } };
    const { claims } = checked;
    if (claims.s !== grant.shopId) return { refusal: { status: 403, message: "the shopper token was minted for another shop" } };
    if (!(await secretKeyIsLive(db, grant.shopId, claims.k)))
      return { refusal: { status: 401, message: "the secret key that minted this shopper token has been revoked" } };
    return { shopper: { customerId: claims.c ?? null, visitorKey: claims.vk ?? null } };
  }
  if (grant.kind === "PUBLISHABLE" && (claimed.customerId || claimed.visitorKey)) {
    return {
      refusal: {
        status: 400,
        field: claimed.customerId ? "customer_id" : "visitor",
        message:
          "a publishable key cannot name a shopper; send `shopper_token`, minted by your server with a secret key (POST /api/v1/shopper-tokens)",
      },
    };
  }
  return { shopper: claimed };
}

const refusalAnswer = (refusal: { status: number; message: string; field?: string }, headers: Record<string, string>): PlainAnswer =>
  refusal.field
    ? {
        status: refusal.status,
        headers,
        body: { error: "the request is not valid", errors: [{ field: refusal.field, message: refusal.message }] },
      }
    : error(refusal.status, refusal.message, headers);

/** A preflight carries no key, so it cannot be checked against one; the real request's answer only allows the origin if the key does. */
function preflight(request: HeadlessRequest, methods: string): PlainAnswer {
  return {
    status: 204,
    headers: request.origin
      ? { ...CORS_PREFLIGHT, "Access-Control-Allow-Methods": methods, "Access-Control-Allow-Origin": request.origin, Vary: "Origin" }
      : {},
  };
}

/**
 * GET /api/v1/recommendations for headless storefronts: the storefront answer, with the shop
 * named by the API key. A browser may call from the key's allowed origins (CORS); a server may
 * call from anywhere. See the OpenAPI document at /api/v1/openapi.json.
 */
export async function answerHeadlessRecommendations(db: PrismaClient, request: HeadlessRequest): Promise<PlainAnswer> {
  if (request.method === "OPTIONS") return preflight(request, "GET, OPTIONS");
  const admitted = await admit(db, request);
  if ("refusal" in admitted) return admitted.refusal;
  const { grant, headers } = admitted;
  const params = new URLSearchParams(request.url.searchParams);
  const customer = readShopperId(params, "customer_id");
  if (!("shopperId" in customer)) return { status: customer.status, headers, body: customer.body };
  const identified = await shopperOf(db, request, grant, {
    customerId: customer.shopperId,
    visitorKey: params.get("visitor")?.trim() || null,
  });
  if ("refusal" in identified) return refusalAnswer(identified.refusal, headers);
  // The shopper as identified goes on as the query's visitor (a token's, or the secret key's own).
  params.delete("shopper_token");
  if (identified.shopper.visitorKey) params.set("visitor", identified.shopper.visitorKey);
  else params.delete("visitor");
  return answerRecommendationQuery(db, grant.shopId, identified.shopper.customerId, params, headers);
}

/**
 * POST /api/v1/events: impressions, clicks and add-to-carts from a headless storefront, with
 * the token of the answer shown. The shopper is named as for recommendations (a secret key's
 * `customer_id` and body `visitor`, or a shopper token) and must be the one the answer was for.
 */
export async function answerHeadlessEvents(db: PrismaClient, request: HeadlessRequest, rawBody: string): Promise<PlainAnswer> {
  if (request.method === "OPTIONS") return preflight(request, "POST, OPTIONS");
  const admitted = await admit(db, request);
  if ("refusal" in admitted) return admitted.refusal;
  const { grant, headers } = admitted;
  if (Buffer.byteLength(rawBody) > MAX_RECOMMENDATION_EVENT_BODY_BYTES)
    return error(413, `the body is larger than ${MAX_RECOMMENDATION_EVENT_BODY_BYTES} bytes`, headers);
  const parsed = parseJsonBody(rawBody, recommendationEventBody, "the event is not valid; nothing was recorded");
  if (!("data" in parsed)) return { status: parsed.status, headers, body: parsed.body };
  const customer = readShopperId(request.url.searchParams, "customer_id");
  if (!("shopperId" in customer)) return { status: customer.status, headers, body: customer.body };
  const identified = await shopperOf(db, request, grant, { customerId: customer.shopperId, visitorKey: parsed.data.visitor ?? null });
  if ("refusal" in identified) return refusalAnswer(identified.refusal, headers);
  const recorded = await recordRecommendationEvents(db, tokenSecret(), grant.shopId, identified.shopper, parsed.data);
  if ("refusal" in recorded)
    return {
      status: recorded.refusal.status,
      headers: { ...headers, ...recorded.refusal.headers },
      body: { error: recorded.refusal.message },
    };
  return { status: 202, headers, body: recorded };
}

const shopperTokenBody = z
  .object({
    customerId: z
      .union([storedText(MAX_ID_LENGTH), z.number().int().nonnegative()])
      .transform((value) => String(value).trim())
      .optional(),
    visitor: storedText(128).trim().optional(),
    ttlSeconds: z.number().int().min(60).max(MAX_SHOPPER_TOKEN_TTL_SECONDS).optional(),
  })
  .refine((body) => body.customerId || body.visitor, {
    message: "name the shopper: customerId (the store's id of the logged-in customer) and/or visitor",
    path: ["customerId"],
  });

/**
 * POST /api/v1/shopper-tokens, from a storefront's server with a secret key: a short-lived token
 * for one shopper, which that shopper's browser sends with a publishable key to read their own
 * lists (`shopper_token`). Mint it when the shopper logs in and keep it for the session.
 */
export async function answerShopperToken(db: PrismaClient, request: HeadlessRequest, rawBody: string): Promise<PlainAnswer> {
  const admitted = await admit(db, request);
  if ("refusal" in admitted) return admitted.refusal;
  const { grant, headers } = admitted;
  if (grant.kind !== "SECRET") return error(403, "shopper tokens are minted with a secret key, from your server", headers);
  if (Buffer.byteLength(rawBody) > MAX_SHOPPER_TOKEN_BODY_BYTES)
    return error(413, `the body is larger than ${MAX_SHOPPER_TOKEN_BODY_BYTES} bytes`, headers);
  const parsed = parseJsonBody(rawBody, shopperTokenBody, "the shopper is not named correctly; no token was minted");
  if (!("data" in parsed)) return { status: parsed.status, headers, body: parsed.body };
  const { customerId, visitor, ttlSeconds } = parsed.data;
  const minted = signShopperToken(tokenSecret(), {
    shopId: grant.shopId,
    keyId: grant.keyId,
    shopper: { customerId: customerId || null, visitorKey: visitor || null },
    ttlSeconds,
  });
  return {
    status: 201,
    headers: { ...headers, "Cache-Control": "no-store" },
    body: { token: minted.token, expiresAt: minted.expiresAt.toISOString() },
  };
}

function error(status: number, message: string, headers: Record<string, string> = {}): PlainAnswer {
  return { status, headers, body: { error: message } };
}
