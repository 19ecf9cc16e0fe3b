import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { setting } from "../../config/env.server";
import { processService } from "../../services/registry.server";
import { closeRedisConnection, redisConnection } from "../../services/redis.server";

/** Requests per second one headless API key may make (all web processes together when Redis is configured). */
export const API_REQUESTS_PER_SECOND = 50;
/** Event reports (impressions, clicks, add-to-carts) one shopper may send per minute, through either door. */
export const SHOPPER_EVENTS_PER_MINUTE = 60;

export type RateLimitName = "api-key" | "shopper-events";

const LIMITS: Record<RateLimitName, { points: number; duration: number; per: string }> = {
  "api-key": { points: API_REQUESTS_PER_SECOND, duration: 1, per: "second with this key" },
  "shopper-events": { points: SHOPPER_EVENTS_PER_MINUTE, duration: 60, per: "minute from this shopper" },
};

/** One limiter per name and process: counted in Redis when REDIS_URL is set, so the limit holds across processes. */
class RateLimiters {
  private readonly limiters = new Map<RateLimitName, RateLimiterAbstract>();
  private redis?: Redis;

  constructor(private readonly redisUrl: string | undefined) {}

  get(name: RateLimitName): RateLimiterAbstract {
    let found = this.limiters.get(name);
    if (found) return found;
    const { points, duration } = LIMITS[name];
    if (this.redisUrl) {
      this.redis ??= redisConnection("rate-limits", this.redisUrl);
      found = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `affinity:${name}`,
        points,
        duration,
        // Redis down: fall back to counting in this process rather than refusing every request.
        insuranceLimiter: new RateLimiterMemory({ points, duration }),
      });
    } else {
      found = new RateLimiterMemory({ points, duration });
    }
    this.limiters.set(name, found);
    return found;
  }

  async close(): Promise<void> {
    const redis = this.redis;
    this.redis = undefined;
    this.limiters.clear();
    await closeRedisConnection(redis);
  }
}

const limiter = (name: RateLimitName) => processService("rate-limits", () => new RateLimiters(setting("REDIS_URL"))).get(name);

export type RateCheck =
  { headers: Record<string, string> } | { refusal: { status: 429; headers: Record<string, string>; body: { error: string } } };

/** Counts one request against `name`'s limit for `key`: the headers to answer with, or the 429. */
export async function consumeRateLimit(name: RateLimitName, key: string): Promise<RateCheck> {
  const { points, per } = LIMITS[name];
  try {
    const used = await limiter(name).consume(key);
    return { headers: { "X-RateLimit-Limit": String(points), "X-RateLimit-Remaining": String(used.remainingPoints) } };
  } catch (limited) {
    if (!(limited instanceof RateLimiterRes)) throw limited;
    const retryAfter = String(Math.max(1, Math.ceil(limited.msBeforeNext / 1000)));
    return {
      refusal: {
        status: 429,
        headers: { "Retry-After": retryAfter },
        body: { error: `more than ${points} requests per ${per}; retry after the Retry-After header` },
      },
    };
  }
}
