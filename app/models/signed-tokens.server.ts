import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Placement } from "@prisma/client";

/**
 * The two tokens the app signs (HMAC-SHA256 with the app's token secret), told apart by `typ`
 * so that one can never stand in for the other:
 *
 * - an answer token goes out with every list of recommendations and comes back with the
 *   impressions, clicks and add-to-carts of that list. It names the shopper it was issued to
 *   (a hash, never the id itself), so a report counts only for that shopper, and it expires.
 * - a shopper token is minted by a storefront's server with its secret API key for one
 *   logged-in shopper, so that a browser holding only a publishable key can ask for that
 *   shopper's own lists (see app/models/storefront/headless-answer.server.ts).
 */

/** How long a list's reports are taken after the list was answered. */
const ANSWER_TOKEN_TTL_SECONDS = 24 * 60 * 60;
/** How long a shopper token is valid; the storefront's server mints a new one per session. */
const SHOPPER_TOKEN_TTL_SECONDS = 60 * 60;
export const MAX_SHOPPER_TOKEN_TTL_SECONDS = 24 * 60 * 60;
/** A request for a shopper token names one shopper: a few hundred bytes. */
export const MAX_SHOPPER_TOKEN_BODY_BYTES = 4_096;

export interface AnswerClaims {
  typ: "a";
  /** Shop, placement, model version, holdout (1/0). */
  s: string;
  p: Placement;
  v: string | null;
  h: 0 | 1;
  /** The shopper it was issued to (shopperHash). */
  u: string;
  /** Issued at: seconds since the epoch, to the minute. */
  t: number;
}

export interface ShopperClaims {
  typ: "st";
  /** Shop, and the API key that minted it (revoking the key ends its tokens). */
  s: string;
  k: string;
  /** The store's customer id and/or the browser's visitor id. */
  c?: string;
  vk?: string;
  /** Expires at: seconds since the epoch. */
  exp: number;
}

/** Who a request is for, as the storefront proved it: a customer (the store's id) and/or a browser. */
export interface ShopperIdentity {
  customerId: string | null;
  visitorKey: string | null;
}

/** The shopper an answer was for, as a short hash: tokens carry it, never the ids themselves. */
export function shopperHash(shopId: string, shopper: ShopperIdentity): string {
  return createHash("sha256")
    .update(`${shopId}\u0000${shopper.customerId ?? ""}\u0000${shopper.visitorKey ?? ""}`)
    .digest("base64url")
    .slice(0, 16);
}

function sign(secret: string, claims: object): string {
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url").slice(0, 22)}`;
}

function verify(secret: string, token: string): Record<string, unknown> | null {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return null;
  const expected = Buffer.from(createHmac("sha256", secret).update(body).digest("base64url").slice(0, 22));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    return claims && typeof claims === "object" ? claims : null;
  } catch {
    return null;
  }
}

export const signAnswerToken = (secret: string, claims: Omit<AnswerClaims, "typ">) => sign(secret, { typ: "a", ...claims });

export type TokenCheck<Claims> = { claims: Claims } | { refusal: string };

/** An answer token's claims, or why it is refused: not ours, not an answer token, or expired. */
export function verifyAnswerToken(secret: string, token: string, nowSeconds = Date.now() / 1000): TokenCheck<AnswerClaims> {
  const claims = verify(secret, token);
  if (!claims || claims.typ !== "a" || typeof claims.s !== "string" || typeof claims.u !== "string" || typeof claims.t !== "number") {
    return { refusal: "the token is not one of this shop's answers" };
  }
  if (nowSeconds > claims.t + ANSWER_TOKEN_TTL_SECONDS)
    return { refusal: "the token has expired: report events within a day of the answer, with the token it gave" };
  return { claims: claims as unknown as AnswerClaims };
}

export function signShopperToken(
  secret: string,
  claims: { shopId: string; keyId: string; shopper: ShopperIdentity; ttlSeconds?: number },
  nowSeconds = Date.now() / 1000,
): { token: string; expiresAt: Date } {
  const ttl = Math.min(Math.max(60, Math.floor(claims.ttlSeconds ?? SHOPPER_TOKEN_TTL_SECONDS)), MAX_SHOPPER_TOKEN_TTL_SECONDS);
  const exp = Math.floor(nowSeconds) + ttl;
  const body: ShopperClaims = { typ: "st", s: claims.shopId, k: claims.keyId, exp };
  if (claims.shopper.customerId) body.c = claims.shopper.customerId;
  if (claims.shopper.visitorKey) body.vk = claims.shopper.visitorKey;
  return { token: sign(secret, body), expiresAt: new Date(exp * 1000) };
}

/** A shopper token's claims, or why it is refused. */
export function verifyShopperToken(secret: string, token: string, nowSeconds = Date.now() / 1000): TokenCheck<ShopperClaims> {
  const claims = verify(secret, token);
  if (!claims || claims.typ !== "st" || typeof claims.s !== "string" || typeof claims.k !== "string" || typeof claims.exp !== "number") {
    return { refusal: "the shopper token is not one this app minted" };
  }
  if (nowSeconds > claims.exp) return { refusal: "the shopper token has expired: mint a new one with POST /api/v1/shopper-tokens" };
  return { claims: claims as unknown as ShopperClaims };
}
