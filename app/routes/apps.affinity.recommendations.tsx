import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { answerStorefrontRecommendations } from "../models/storefront/proxy-answer.server";
import { toResponse } from "../plain-answer.server";

// GET /apps/affinity/recommendations: the storefront blocks' recommendations through Shopify's
// app proxy (see answerStorefrontRecommendations): JSON, or with format=liquid the Liquid that
// Shopify renders in the shopper's market. In production server.ts answers this path without
// Remix; this route serves development and any other setup.
export const loader = async ({ request }: LoaderFunctionArgs) =>
  toResponse(await answerStorefrontRecommendations(prisma, new URL(request.url)));
