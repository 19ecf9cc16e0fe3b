import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { setting } from "../../config/env.server";
import { processService } from "../../services/registry.server";
import { closeRedisConnection, redisConnection } from "../../services/redis.server";

/**
 * What changed for a shop, so that every web process drops what it cached: a new active model
 * version (its lists), the merchant's rules, or products (price, stock, deletion; no ids: all).
 */
export type Invalidation = { shopId: string; scope: "model" | "rules" } | { shopId: string; scope: "products"; productIds?: string[] };

type Listener = (message: Invalidation) => void;

const CHANNEL = "affinity:storefront-invalidation";

/**
 * One bus per process. A message reaches this process's listeners at once, so whatever runs
 * right after a publish here (an admin preview after a save) already sees the change. With
 * REDIS_URL, Redis pub/sub also carries it to the web processes of every machine (a worker
 * trains or ingests, the web serves), tagged with this bus's origin so that it is not applied a
 * second time when it comes back; without Redis, web and worker share a process.
 */
export class InvalidationBus {
  private readonly local = new EventEmitter();
  private readonly origin = randomUUID();
  private publisher?: Redis;
  private subscriber?: Redis;

  constructor(private readonly redisUrl: string | undefined) {
    this.local.setMaxListeners(0);
  }

  async publish(message: Invalidation): Promise<void> {
    this.local.emit(CHANNEL, message);
    if (!this.redisUrl) return;
    this.publisher ??= redisConnection("invalidation-publisher", this.redisUrl);
    await this.publisher.publish(CHANNEL, JSON.stringify({ ...message, origin: this.origin }));
  }

  /** Calls `listener` for every message, from this process and (with Redis) from others. */
  async subscribe(listener: Listener): Promise<() => void> {
    this.local.on(CHANNEL, listener);
    if (this.redisUrl && !this.subscriber) {
      this.subscriber = redisConnection("invalidation-subscriber", this.redisUrl);
      this.subscriber.on("message", (_channel: string, raw: string) => {
        try {
          const { origin, ...message } = JSON.parse(raw) as Invalidation & { origin?: string };
          if (origin !== this.origin) this.local.emit(CHANNEL, message);
        } catch {
          // Not ours: the channel name is namespaced, so this is someone else's malformed message.
        }
      });
      await this.subscriber.subscribe(CHANNEL);
    }
    return () => this.local.off(CHANNEL, listener);
  }

  async close(): Promise<void> {
    const connections = [this.publisher, this.subscriber];
    this.publisher = this.subscriber = undefined;
    await Promise.all(connections.map(closeRedisConnection));
  }
}

/** The process's bus, closed at shutdown once the jobs in hand have published their changes. */
export function invalidationBus(): InvalidationBus {
  return processService("invalidation-bus", () => new InvalidationBus(setting("REDIS_URL")));
}

/** Tells every web process that something a storefront answer depends on has changed. */
export async function publishInvalidation(message: Invalidation): Promise<void> {
  await invalidationBus().publish(message);
}
