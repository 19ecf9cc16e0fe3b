import { setting } from "../../config/env.server";

/** A token's time: seconds since the epoch, to the minute. */
export const issuedAt = (now: Date) => Math.floor(now.getTime() / 60_000) * 60;

/** The secret the answers' tracking tokens are signed with. */
export function tokenSecret(): string {
  const secret = setting("AFFINITY_TOKEN_SECRET") || setting("SHOPIFY_API_SECRET");
  if (secret) return secret;
  if (setting("NODE_ENV") === "production") throw new Error("Set SHOPIFY_API_SECRET (or AFFINITY_TOKEN_SECRET) to sign tracking tokens.");
  return "affinity-development-token-secret";
}
