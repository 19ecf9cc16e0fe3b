import type { PrismaClient } from "@prisma/client";
import type { PlainAnswer } from "../../plain-answer.server";
import { readRecommendationQuery } from "./query.server";
import { RecommendationError, recommendationService } from "./service.server";

/**
 * The answer both storefront doors give (the app proxy and the headless API), once they know the
 * shop and the shopper: 400 naming each bad parameter, the recommendations, or the status of a
 * RecommendationError with its message.
 */
export async function answerRecommendationQuery(
  db: PrismaClient,
  shopId: string,
  customerId: string | null,
  params: URLSearchParams,
  headers: Record<string, string>,
): Promise<PlainAnswer> {
  const read = readRecommendationQuery(params);
  if ("errors" in read) return { status: 400, headers, body: { error: "the request is not valid", errors: read.errors } };
  try {
    const answer = await (await recommendationService(db)).recommend({ shopId, customerId, ...read.query });
    return { status: 200, headers: { ...headers, "Cache-Control": "private, no-store" }, body: answer };
  } catch (error) {
    if (error instanceof RecommendationError) return { status: error.status, headers, body: { error: error.message } };
    throw error;
  }
}
