import { createHash, randomBytes } from "node:crypto";
import type { ApiKeyKind, PrismaClient } from "@prisma/client";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { fieldErrors, type FieldError } from "../json-body.server";

/**
 * Keys look like `afk_pk_` (publishable) or `afk_sk_` (secret) + 32 base64url characters; keys
 * made before there were two kinds are `afk_` + 32 and are secret. The admin shows the first
 * characters to tell them apart.
 */
const KEY_PREFIX = "afk_";
const KIND_PREFIX: Record<ApiKeyKind, string> = { PUBLISHABLE: "afk_pk_", SECRET: "afk_sk_" };
const SHOWN_CHARACTERS = 12;
/** A key's shop and origins are cached this long per process: a revoked key stops working within it. */
const KEY_CACHE_MS = 30_000;
/** lastUsedAt is written at most this often per key, not on every request. */
const LAST_USED_EVERY_MS = 60_000;

export interface ApiKeyGrant {
  keyId: string;
  kind: ApiKeyKind;
  shopId: string;
  shopDomain: string;
  allowedOrigins: string[];
}

const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

const origin = z
  .string()
  .trim()
  .transform((value, context) => {
    try {
      const url = new URL(value);
      if (
        (url.protocol === "https:" || url.hostname === "localhost" || url.hostname === "127.0.0.1") &&
        url.pathname === "/" &&
        !url.search
      )
        return url.origin;
    } catch {
      // reported below
    }
    context.addIssue({ code: "custom", message: `"${value}" is not an origin such as https://shop.example.com (https, no path)` });
    return z.NEVER;
  });
const newApiKey = z
  .object({
    name: z.string().trim().min(1, "give the key a name, such as Hydrogen storefront").max(80),
    kind: z.enum(["publishable", "secret"], "choose publishable (for browsers) or secret (for your server)").default("secret"),
    allowedOrigins: z.array(origin).max(20, "at most 20 origins").default([]),
  })
  .refine((key) => key.kind === "publishable" || key.allowedOrigins.length === 0, {
    path: ["allowedOrigins"],
    message: "a secret key is for servers and is refused from browsers; create a publishable key for these origins",
  });

/**
 * Creates a key for the headless API. The key itself is returned once, here, and only its
 * SHA-256 is stored. A publishable key may be called from browsers on `allowedOrigins` (CORS)
 * and never names a shopper itself; a secret key is refused from browsers.
 */
export async function createApiKey(
  db: PrismaClient,
  shopId: string,
  input: unknown,
): Promise<{ key: string; id: string; prefix: string } | { errors: FieldError[] }> {
  const parsed = newApiKey.safeParse(input);
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };
  const kind: ApiKeyKind = parsed.data.kind === "publishable" ? "PUBLISHABLE" : "SECRET";
  const key = `${KIND_PREFIX[kind]}${randomBytes(24).toString("base64url")}`;
  const prefix = key.slice(0, SHOWN_CHARACTERS);
  const row = await db.apiKey.create({
    data: { shopId, kind, name: parsed.data.name, prefix, hash: hashApiKey(key), allowedOrigins: parsed.data.allowedOrigins },
  });
  return { key, id: row.id, prefix };
}

export function listApiKeys(db: PrismaClient, shopId: string) {
  return db.apiKey.findMany({
    where: { shopId },
    select: { id: true, kind: true, name: true, prefix: true, allowedOrigins: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    orderBy: { createdAt: "desc" },
  });
}

export async function revokeApiKey(db: PrismaClient, shopId: string, keyId: string): Promise<boolean> {
  const { count } = await db.apiKey.updateMany({ where: { id: keyId, shopId, revokedAt: null }, data: { revokedAt: new Date() } });
  grants.clear();
  liveSecretKeys.clear();
  return count > 0;
}

declare global {
  // Shared by the module graphs of one process (the Remix build and the CLI/worker code).
  var affinityApiKeyGrants: LRUCache<string, ApiKeyGrant | false> | undefined;
}
const grants = (globalThis.affinityApiKeyGrants ??= new LRUCache<string, ApiKeyGrant | false>({ max: 10_000, ttl: KEY_CACHE_MS }));
const lastUsedWritten = new LRUCache<string, true>({ max: 10_000, ttl: LAST_USED_EVERY_MS });

/** The shop a presented key belongs to, or null for an unknown or revoked key. */
export async function authenticateApiKey(db: PrismaClient, key: string): Promise<ApiKeyGrant | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const hash = hashApiKey(key);
  let grant = grants.get(hash);
  if (grant === undefined) {
    const row = await db.apiKey.findUnique({
      where: { hash },
      select: {
        id: true,
        kind: true,
        shopId: true,
        allowedOrigins: true,
        revokedAt: true,
        shop: { select: { domain: true, uninstalledAt: true } },
      },
    });
    grant =
      row && !row.revokedAt && !row.shop.uninstalledAt
        ? { keyId: row.id, kind: row.kind, shopId: row.shopId, shopDomain: row.shop.domain, allowedOrigins: row.allowedOrigins }
        : false;
    grants.set(hash, grant);
  }
  if (!grant) return null;
  if (!lastUsedWritten.has(grant.keyId)) {
    lastUsedWritten.set(grant.keyId, true);
    void db.apiKey
      .update({ where: { id: grant.keyId }, data: { lastUsedAt: new Date() } })
      .catch(() => lastUsedWritten.delete(grant.keyId));
  }
  return grant;
}

declare global {
  var affinityLiveSecretKeys: LRUCache<string, boolean> | undefined;
}
const liveSecretKeys = (globalThis.affinityLiveSecretKeys ??= new LRUCache<string, boolean>({ max: 10_000, ttl: KEY_CACHE_MS }));

/** Whether the secret key that minted a shopper token is still the shop's and not revoked. */
export async function secretKeyIsLive(db: PrismaClient, shopId: string, keyId: string): Promise<boolean> {
  const cacheKey = `${shopId}:${keyId}`;
  let live = liveSecretKeys.get(cacheKey);
  if (live === undefined) {
    const row = await db.apiKey.findFirst({ where: { id: keyId, shopId, kind: "SECRET", revokedAt: null }, select: { id: true } });
    liveSecretKeys.set(cacheKey, (live = !!row));
  }
  return live;
}
