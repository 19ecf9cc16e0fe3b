import type { PrismaClient } from "@prisma/client";
import type { PlainAnswer } from "../../plain-answer.server";
import { validAppProxySignature } from "../../shopify/app-proxy.server";
import { readRecommendationQuery, recommendationService, RecommendationError } from "../recommendations.server";

/**
 * GET /apps/affinity/recommendations?placement=…&product_id=…&cart=…&limit=…&visitor=…, as
 * Shopify's app proxy forwards it, signed; logged_in_customer_id names the shopper. An unsigned
 * or tampered request gets the 400 `authenticate.public.appProxy` gives, before anything is read.
 */
export async function answerStorefrontRecommendations(db: PrismaClient, url: URL, secret = process.env.SHOPIFY_API_SECRET ?? ""): Promise<PlainAnswer> {
  if (!validAppProxySignature(url, secret)) return { status: 400, headers: {} };
  const params = url.searchParams;
  const read = readRecommendationQuery(params);
  if ("errors" in read) return { status: 400, headers: {}, body: { error: "the request is not valid", errors: read.errors } };
  const service = await recommendationService(db);
  const shopId = await service.shopIdFor(params.get("shop") ?? "");
  if (!shopId) return { status: 404, headers: {}, body: { error: "this shop has not installed Affinity" } };
  try {
    const answer = await service.recommend({ shopId, customerId: params.get("logged_in_customer_id") || null, ...read.query });
    return { status: 200, headers: { "Cache-Control": "private, no-store" }, body: answer };
  } catch (error) {
    if (error instanceof RecommendationError) return { status: error.status, headers: {}, body: { error: error.message } };
    throw error;
  }
}
