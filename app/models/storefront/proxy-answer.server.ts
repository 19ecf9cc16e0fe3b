import type { PrismaClient } from "@prisma/client";
import type { PlainAnswer } from "../../plain-answer.server";
import { validAppProxySignature } from "../../shopify/app-proxy.server";
import { answerRecommendationQuery, recommendationService } from "../recommendations.server";
import { linkProxyShopper } from "../visitors.server";

/**
 * GET /apps/affinity/recommendations?placement=…&product_id=…&cart=…&limit=…&visitor=…, as
 * Shopify's app proxy forwards it, signed; logged_in_customer_id names the shopper. An unsigned
 * or tampered request gets the 400 `authenticate.public.appProxy` gives, before anything is read.
 * A signed customer on a request that names the browser is the proof that links the two.
 */
export async function answerStorefrontRecommendations(db: PrismaClient, url: URL, secret = process.env.SHOPIFY_API_SECRET ?? ""): Promise<PlainAnswer> {
  if (!validAppProxySignature(url, secret)) return { status: 400, headers: {} };
  const params = url.searchParams;
  const shopId = await (await recommendationService(db)).shopIdFor(params.get("shop") ?? "");
  if (!shopId) return { status: 404, headers: {}, body: { error: "this shop has not installed Affinity" } };
  const customerId = params.get("logged_in_customer_id")?.trim() || null;
  const answer = await answerRecommendationQuery(db, shopId, customerId, params, {});
  if (answer.status === 200) {
    linkProxyShopper(db, shopId, customerId, params.get("visitor")?.trim() || null).catch((error: Error) =>
      console.error(`[affinity] could not link the shopper's browser: ${error.message}`),
    );
  }
  return answer;
}
