import type { PrismaClient } from "@prisma/client";
import type { PlainAnswer } from "../../plain-answer.server";
import { validAppProxySignature } from "../../shopify/app-proxy.server";
import { parseDecimalInteger } from "../../text-input.server";
import {
  answerRecommendationQuery,
  DEFAULT_LIMIT,
  recommendationService,
  type RecommendationAnswer,
} from "../recommendations/index.server";
import { linkProxyShopper } from "../visitors.server";
import { candidateCount, liquidAnswer, MAX_LIQUID_HANDLES, wantsLiquid } from "./liquid-answer.server";
import { setting } from "../../config/env.server";

/**
 * GET /apps/affinity/recommendations?placement=…&product_id=…&cart=…&limit=…&visitor=…, as
 * Shopify's app proxy forwards it, signed; logged_in_customer_id names the shopper. An unsigned
 * or tampered request gets the 400 `authenticate.public.appProxy` gives, before anything is read.
 * A signed customer on a request that names the browser is the proof that links the two.
 * With `format=liquid` the answer is Liquid for Shopify to render in the shopper's market (see
 * liquid-answer.server.ts); otherwise JSON, as the admin's preview and other callers read it.
 */
export async function answerStorefrontRecommendations(
  db: PrismaClient,
  url: URL,
  secret = setting("SHOPIFY_API_SECRET") ?? "",
): Promise<PlainAnswer> {
  if (!validAppProxySignature(url, secret)) return { status: 400, headers: {} };
  const params = url.searchParams;
  const shopId = await (await recommendationService(db)).shopIdFor(params.get("shop") ?? "");
  if (!shopId) return { status: 404, headers: {}, body: { error: "this shop has not installed Affinity" } };
  const customerId = params.get("logged_in_customer_id")?.trim() || null;
  const liquid = wantsLiquid(params);
  const answer = liquid
    ? await answerAsLiquid(db, shopId, customerId, params)
    : await answerRecommendationQuery(db, shopId, customerId, params, {});
  if (answer.status === 200) {
    linkProxyShopper(db, shopId, customerId, params.get("visitor")?.trim() || null).catch((error: Error) =>
      console.error(`[affinity] could not link the shopper's browser: ${error.message}`),
    );
  }
  return answer;
}

/** The Liquid form: more candidates than the block shows, as the shopper's market may not sell some; at most 20 (Shopify's all_products). */
async function answerAsLiquid(db: PrismaClient, shopId: string, customerId: string | null, params: URLSearchParams): Promise<PlainAnswer> {
  const limitText = params.get("limit");
  const limit = limitText ? parseDecimalInteger(limitText) : DEFAULT_LIMIT;
  if (limit !== null && limit > MAX_LIQUID_HANDLES) {
    const message = `must be at most ${MAX_LIQUID_HANDLES} with format=liquid: Shopify's all_products reads at most ${MAX_LIQUID_HANDLES} products a page`;
    return { status: 400, headers: {}, body: { error: "the request is not valid", errors: [{ field: "limit", message }] } };
  }
  // A bad limit is left for readRecommendationQuery to name.
  const asked = new URLSearchParams(params);
  if (limit !== null && limit >= 1) asked.set("limit", String(candidateCount(limit)));
  const answer = await answerRecommendationQuery(db, shopId, customerId, asked, {});
  if (answer.status !== 200) return answer;
  const headers = { ...answer.headers, "Content-Type": "application/liquid" };
  return { status: 200, headers, text: liquidAnswer(answer.body as RecommendationAnswer, limit ?? DEFAULT_LIMIT) };
}
