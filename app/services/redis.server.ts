import { Redis, type RedisOptions } from "ioredis";

/** What a connection is for: each use has the options it needs. */
export type RedisUse = "queue" | "invalidation-publisher" | "invalidation-subscriber" | "rate-limits";

const OPTIONS: Record<RedisUse, RedisOptions> = {
  // BullMQ workers block on Redis, so ioredis must not give up on a slow command.
  queue: { maxRetriesPerRequest: null },
  // A publish that cannot reach Redis fails after three tries instead of holding its caller.
  "invalidation-publisher": { lazyConnect: false, maxRetriesPerRequest: 3 },
  "invalidation-subscriber": {},
  // Redis down: a count fails at once, and the limiter's insurance counts in this process.
  "rate-limits": { enableOfflineQueue: false },
};

/** The one place the app opens a Redis connection (connecting at once, as ioredis does by default). */
export function redisConnection(use: RedisUse, url: string): Redis {
  return new Redis(url, { ...OPTIONS[use] });
}

/**
 * Closes a connection: QUIT when it is up, so that replies on their way arrive first; at once
 * otherwise, since a QUIT would wait in the offline queue for a Redis that may never come back.
 */
export async function closeRedisConnection(connection: Redis | undefined): Promise<void> {
  if (!connection || connection.status === "end") return;
  if (connection.status !== "ready") return connection.disconnect();
  await connection.quit().catch(() => connection.disconnect());
}
