import prisma from "../db.server";
import { answerHeadlessEvents, headlessRequestOf } from "../models/storefront/headless-answer.server";
import { toResponse } from "../plain-answer.server";

// POST /api/v1/events: impressions, clicks and add-to-carts from headless storefronts (see
// answerHeadlessEvents); OPTIONS is the browsers' CORS preflight.
export const action = async ({ request }: { request: Request }) =>
  toResponse(await answerHeadlessEvents(prisma, headlessRequestOf(request), request.method === "POST" ? await request.text() : ""));
