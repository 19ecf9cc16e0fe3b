import type { PrismaClient } from "@prisma/client";
import { parseJsonBody } from "../../json-body.server";
import type { PlainAnswer } from "../../plain-answer.server";
import { validAppProxySignature } from "../../shopify/app-proxy.server";
import { recordRecommendationEvents, recommendationEventBody } from "../measurement.server";
import { recommendationService, tokenSecret } from "../recommendations.server";

const MAX_BODY_BYTES = 16_384;

/**
 * POST /apps/affinity/events through the app proxy (signed query, JSON body): a block's
 * impressions, clicks and add-to-carts, each with the token of the answer it rendered.
 */
export async function answerStorefrontEvents(db: PrismaClient, url: URL, rawBody: string, secret = process.env.SHOPIFY_API_SECRET ?? ""): Promise<PlainAnswer> {
  if (!validAppProxySignature(url, secret)) return { status: 400, headers: {} };
  if (Buffer.byteLength(rawBody) > MAX_BODY_BYTES) return { status: 413, headers: {}, body: { error: `the body is larger than ${MAX_BODY_BYTES} bytes` } };
  const parsed = parseJsonBody(rawBody, recommendationEventBody, "the event is not valid; nothing was recorded");
  if (!("data" in parsed)) return { status: parsed.status, headers: {}, body: parsed.body };
  const service = await recommendationService(db);
  const shopId = await service.shopIdFor(url.searchParams.get("shop") ?? "");
  if (!shopId) return { status: 404, headers: {}, body: { error: "this shop has not installed Affinity" } };
  const recorded = await recordRecommendationEvents(db, tokenSecret(), shopId, { customerExternalId: url.searchParams.get("logged_in_customer_id") || null }, parsed.data);
  if (!recorded) return { status: 403, headers: {}, body: { error: "the token is not one of this shop's answers" } };
  return { status: 202, headers: {}, body: recorded };
}
