import type { PrismaClient } from "@prisma/client";
import { parseJsonBody } from "../../json-body.server";
import type { PlainAnswer } from "../../plain-answer.server";
import { validAppProxySignature } from "../../shopify/app-proxy.server";
import { MAX_RECOMMENDATION_EVENT_BODY_BYTES, recordRecommendationEvents, recommendationEventBody } from "../measurement.server";
import { recommendationService, tokenSecret } from "../recommendations/index.server";
import { readShopperId } from "../../text-input.server";
import { setting } from "../../config/env.server";

/**
 * POST /apps/affinity/events through the app proxy (signed query, JSON body): a block's
 * impressions, clicks and add-to-carts, each with the token of the answer it rendered. The
 * shopper is the signed `logged_in_customer_id` and the body's `visitor`, as on the answer.
 */
export async function answerStorefrontEvents(
  db: PrismaClient,
  url: URL,
  rawBody: string,
  secret = setting("SHOPIFY_API_SECRET") ?? "",
): Promise<PlainAnswer> {
  if (!validAppProxySignature(url, secret)) return { status: 400, headers: {} };
  if (Buffer.byteLength(rawBody) > MAX_RECOMMENDATION_EVENT_BODY_BYTES)
    return { status: 413, headers: {}, body: { error: `the body is larger than ${MAX_RECOMMENDATION_EVENT_BODY_BYTES} bytes` } };
  const parsed = parseJsonBody(rawBody, recommendationEventBody, "the event is not valid; nothing was recorded");
  if (!("data" in parsed)) return { status: parsed.status, headers: {}, body: parsed.body };
  const service = await recommendationService(db);
  const shopId = await service.shopIdFor(url.searchParams.get("shop") ?? "");
  if (!shopId) return { status: 404, headers: {}, body: { error: "this shop has not installed Affinity" } };
  const customer = readShopperId(url.searchParams, "logged_in_customer_id");
  if (!("shopperId" in customer)) return { status: customer.status, headers: {}, body: customer.body };
  const recorded = await recordRecommendationEvents(
    db,
    tokenSecret(),
    shopId,
    { customerId: customer.shopperId, visitorKey: parsed.data.visitor ?? null },
    parsed.data,
  );
  if ("refusal" in recorded)
    return { status: recorded.refusal.status, headers: recorded.refusal.headers ?? {}, body: { error: recorded.refusal.message } };
  return { status: 202, headers: {}, body: recorded };
}
