import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { answerStorefrontEvents } from "../models/storefront/events-answer.server";
import { toResponse } from "../plain-answer.server";

// POST /apps/affinity/events: impressions, clicks and add-to-carts from the storefront blocks,
// through Shopify's app proxy (see answerStorefrontEvents).
export const action = async ({ request }: ActionFunctionArgs) =>
  toResponse(await answerStorefrontEvents(prisma, new URL(request.url), await request.text()));
