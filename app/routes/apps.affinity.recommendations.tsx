import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { readRecommendationQuery, recommendationService, RecommendationError } from "../models/recommendations.server";
import { authenticate } from "../shopify.server";

// GET /apps/affinity/recommendations?placement=…&product_id=…&cart=…&limit=…&visitor=…
// Shopify's app proxy forwards the storefront's request here, signed; logged_in_customer_id
// names the shopper. An unsigned or tampered request is refused before anything is read.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.public.appProxy(request);
  const params = new URL(request.url).searchParams;
  const read = readRecommendationQuery(params);
  if ("errors" in read) return Response.json({ error: "the request is not valid", errors: read.errors }, { status: 400 });
  const service = await recommendationService(prisma);
  const shopId = await service.shopIdFor(params.get("shop") ?? "");
  if (!shopId) return Response.json({ error: "this shop has not installed Affinity" }, { status: 404 });
  try {
    const answer = await service.recommend({ shopId, customerId: params.get("logged_in_customer_id") || null, ...read.query });
    return Response.json(answer, { headers: { "Cache-Control": "private, no-store" } });
  } catch (error) {
    if (error instanceof RecommendationError) return Response.json({ error: error.message }, { status: error.status });
    throw error;
  }
};
