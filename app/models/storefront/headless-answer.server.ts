import type { PrismaClient } from "@prisma/client";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { PlainAnswer } from "../../plain-answer.server";
import { authenticateApiKey } from "../api-keys.server";
import { readRecommendationQuery, recommendationService, RecommendationError } from "../recommendations.server";

/** Requests per second one key may make (all web processes together when Redis is configured). */
export const API_REQUESTS_PER_SECOND = 50;

const CORS_PREFLIGHT = {
  "Access-Control-Allow-Methods": "GET, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, X-Affinity-Key",
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
 * GET /api/v1/recommendations for headless storefronts: the storefront answer, with the shop
 * named by the API key. A browser may call from the key's allowed origins (CORS); a server may
 * call from anywhere. See the OpenAPI document at /api/v1/openapi.json.
 */
export async function answerHeadlessRecommendations(db: PrismaClient, request: HeadlessRequest): Promise<PlainAnswer> {
  // A preflight carries no key, so it cannot be checked against one; the answer to the real
  // request only allows the origin if the key does.
  if (request.method === "OPTIONS") {
    return { status: 204, headers: request.origin ? { ...CORS_PREFLIGHT, "Access-Control-Allow-Origin": request.origin, Vary: "Origin" } : {} };
  }
  const key = request.keyHeader?.trim() || request.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] || "";
  if (!key) return error(401, "send your API key as `Authorization: Bearer <key>` (create one in the app's Settings)");
  const grant = await authenticateApiKey(db, key);
  if (!grant) return error(401, "this API key is not valid or has been revoked");
  const cors: Record<string, string> = { Vary: "Origin" };
  if (request.origin) {
    if (!grant.allowedOrigins.includes(request.origin)) {
      return error(403, `${request.origin} may not call with this key; add it to the key's allowed origins in the app's Settings`, cors);
    }
    cors["Access-Control-Allow-Origin"] = request.origin;
  }
  try {
    const used = await rateLimiter().consume(grant.keyId);
    cors["X-RateLimit-Limit"] = String(API_REQUESTS_PER_SECOND);
    cors["X-RateLimit-Remaining"] = String(used.remainingPoints);
  } catch (limited) {
    if (!(limited instanceof RateLimiterRes)) throw limited;
    return error(429, `more than ${API_REQUESTS_PER_SECOND} requests per second with this key; retry after the Retry-After header`, {
      ...cors,
      "Retry-After": String(Math.max(1, Math.ceil(limited.msBeforeNext / 1000))),
    });
  }

  const params = request.url.searchParams;
  const shop = params.get("shop");
  if (shop && shop.toLowerCase() !== grant.shopDomain) return error(403, `this key belongs to another shop than ${shop}`, cors);
  const read = readRecommendationQuery(params);
  if ("errors" in read) return { status: 400, headers: cors, body: { error: "the request is not valid", errors: read.errors } };
  try {
    const service = await recommendationService(db);
    const answer = await service.recommend({ shopId: grant.shopId, customerId: params.get("customer_id")?.trim() || null, ...read.query });
    return { status: 200, headers: { ...cors, "Cache-Control": "private, no-store" }, body: answer };
  } catch (failure) {
    if (failure instanceof RecommendationError) return error(failure.status, failure.message, cors);
    throw failure;
  }
}

function error(status: number, message: string, headers: Record<string, string> = {}): PlainAnswer {
  return { status, headers, body: { error: message } };
}
