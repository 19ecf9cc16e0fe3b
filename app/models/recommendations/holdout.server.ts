import { createHash } from "node:crypto";

/** A stable share of shoppers, by a hash of shop and shopper, sees no personal recommendations. */
export function inHoldout(shopId: string, shopperKey: string | null | undefined, share: number): boolean {
  if (!shopperKey || share <= 0) return false;
  const bucket = createHash("sha256").update(`${shopId}:${shopperKey}`).digest().readUInt32BE(0) / 2 ** 32;
  return bucket < share;
}
