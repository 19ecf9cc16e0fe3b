import type { PrismaClient } from "@prisma/client";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { PlainAnswer } from "../../plain-answer.server";
import { parseJsonBody } from "../../json-body.server";
import { authenticateApiKey, type ApiKeyGrant } from "../api-keys.server";
import { recordRecommendationEvents, recommendationEventBody } from "../measurement.server";
import { answerRecommendationQuery, tokenSecret } from "../recommendations.server";

/** Requests per second one key may make (all web processes together when Redis is configured). */
export const API_REQUESTS_PER_SECOND = 50;

const MAX_EVENT_BODY_BYTES = 16_384;

const CORS_PREFLIGHT = {
  "Access-Control-Allow-Headers": "Authorization, X-Affinity-Key, Content-Type",
  "Access-Control-Max-Age": "600",
};

declare global {
  var affinityApiRateLimiter: RateLimiterAbstract | undefined;
}

/** One limiter per process: counted in Redis when REDIS_URL is set, so the limit holds across processes. */
function rateLimiter(): RateLimiterAbstract {
  const redisUrl = process.env.REDIS_URL?.trim();
  globalThis.affinityApiRateLimiter ??= redisUrl
    ? new RateLimiterRedis({
        storeClient: new Redis(redisUrl, { enableOfflineQueue: false }),
        keyPrefix: "affinity:api-rate",
        points: API_REQUESTS_PER_SECOND,
        duration: 1,
        // Redis down: fall back to counting in this process rather than refusing every request.
        insuranceLimiter: new RateLimiterMemory({ points: API_REQUESTS_PER_SECOND, duration: 1 }),
      })
    : new RateLimiterMemory({ points: API_REQUESTS_PER_SECOND, duration: 1 });
  return globalThis.affinityApiRateLimiter;
}

export interface HeadlessRequest {
  method: string;
  url: URL;
  /** The Origin header: present when a browser calls. */
  origin: string | null;
  /** `Authorization: Bearer <key>` or `X-Affinity-Key: <key>`. */
  authorization: string | null;
  keyHeader: string | null;
}

export function headlessRequestOf(request: Request): HeadlessRequest {
  return {
    method: request.method,
    url: new URL(request.url),
    origin: request.headers.get("origin"),
    authorization: request.headers.get("authorization"),
    keyHeader: request.headers.get("x-affinity-key"),
  };
}

/**
 * What every headless request passes first: the key (which names the shop), the browser's
 * origin against the key's, and the key's request rate. Either the grant and the headers to
 * answer with, or the refusal.
 */
async function admit(db: PrismaClient, request: HeadlessRequest): Promise<{ grant: ApiKeyGrant; headers: Record<string, string> } | { refusal: PlainAnswer }> {
  const key = request.keyHeader?.trim() || request.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] || "";
  if (!key) return { refusal: error(401, "send your API key as `Authorization: Bearer <key>` (create one in the app's Settings)") };
  const grant = await authenticateApiKey(db, key);
  if (!grant) return { refusal: error(401, "this API key is not valid or has been revoked") };
  const headers: Record<string, string> = { Vary: "Origin" };
  if (request.origin) {
    if (!grant.allowedOrigins.includes(request.origin)) {
      return { refusal: error(403, `${request.origin} may not call with this key; add it to the key's allowed origins in the app's Settings`, headers) };
    }
    headers["Access-Control-Allow-Origin"] = request.origin;
  }
  try {
    const used = await rateLimiter().consume(grant.keyId);
    headers["X-RateLimit-Limit"] = String(API_REQUESTS_PER_SECOND);
    headers["X-RateLimit-Remaining"] = String(used.remainingPoints);
  } catch (limited) {
    if (!(limited instanceof RateLimiterRes)) throw limited;
    const retryAfter = String(Math.max(1, Math.ceil(limited.msBeforeNext / 1000)));
    return { refusal: error(429, `more than ${API_REQUESTS_PER_SECOND} requests per second with this key; retry after the Retry-After header`, { ...headers, "Retry-After": retryAfter }) };
  }
  const shop = request.url.searchParams.get("shop");
  if (shop && shop.toLowerCase() !== grant.shopDomain) return { refusal: error(403, `this key belongs to another shop than ${shop}`, headers) };
  return { grant, headers };
}

/** A preflight carries no key, so it cannot be checked against one; the real request's answer only allows the origin if the key does. */
function preflight(request: HeadlessRequest, methods: string): PlainAnswer {
  return { status: 204, headers: request.origin ? { ...CORS_PREFLIGHT, "Access-Control-Allow-Methods": methods, "Access-Control-Allow-Origin": request.origin, Vary: "Origin" } : {} };
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
  const params = request.url.searchParams;
  return answerRecommendationQuery(db, grant.shopId, params.get("customer_id")?.trim() || null, params, headers);
}

/**
 * POST /api/v1/events: impressions, clicks and add-to-carts from a headless storefront, with
 * the token of the answer shown; `customer_id` in the query names a logged-in shopper.
 */
export async function answerHeadlessEvents(db: PrismaClient, request: HeadlessRequest, rawBody: string): Promise<PlainAnswer> {
  if (request.method === "OPTIONS") return preflight(request, "POST, OPTIONS");
  const admitted = await admit(db, request);
  if ("refusal" in admitted) return admitted.refusal;
  const { grant, headers } = admitted;
  if (Buffer.byteLength(rawBody) > MAX_EVENT_BODY_BYTES) return error(413, `the body is larger than ${MAX_EVENT_BODY_BYTES} bytes`, headers);
  const parsed = parseJsonBody(rawBody, recommendationEventBody, "the event is not valid; nothing was recorded");
  if (!("data" in parsed)) return { status: parsed.status, headers, body: parsed.body };
  const customerExternalId = request.url.searchParams.get("customer_id")?.trim() || null;
  const recorded = await recordRecommendationEvents(db, tokenSecret(), grant.shopId, { customerExternalId }, parsed.data);
  if (!recorded) return error(403, "the token is not one of this shop's answers", headers);
  return { status: 202, headers, body: recorded };
}

function error(status: number, message: string, headers: Record<string, string> = {}): PlainAnswer {
  return { status, headers, body: { error: message } };
}
