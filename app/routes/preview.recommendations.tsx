import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { getRecommendations, parsePlacement, PLACEMENTS, RecommendationError } from "../models/recommendations/index.server";
import { requirePreviewShop } from "../preview.server";

// GET /preview/recommendations?placement=for_you&customer=<id>&product=<id>&limit=8 (demo mode).
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const shop = await requirePreviewShop();
  const params = new URL(request.url).searchParams;
  const placement = parsePlacement(params.get("placement") ?? "for_you");
  if (!placement) {
    const known = PLACEMENTS.map((p) => p.toLowerCase()).join(", ");
    return Response.json({ error: `placement must be one of ${known}` }, { status: 400 });
  }
  const limit = params.has("limit") ? Number(params.get("limit")) : undefined;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    return Response.json({ error: "limit must be a positive whole number" }, { status: 400 });
  }
  try {
    const items = await getRecommendations(prisma, {
      shopId: shop.id,
      placement,
      customerId: params.get("customer"),
      productId: params.get("product"),
      limit,
    });
    return Response.json({ placement: placement.toLowerCase(), items });
  } catch (error) {
    if (error instanceof RecommendationError) return Response.json({ error: error.message }, { status: error.status });
    throw error;
  }
};
