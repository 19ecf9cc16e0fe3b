import prisma from "../db.server";
import { answerHeadlessEvents, headlessRequestOf } from "../models/storefront/headless-answer.server";
import { toResponse } from "../plain-answer.server";

// POST /api/v1/events: impressions, clicks and add-to-carts from headless storefronts (see
// answerHeadlessEvents).
export const action = async ({ request }: { request: Request }) =>
  toResponse(await answerHeadlessEvents(prisma, headlessRequestOf(request), request.method === "POST" ? await request.text() : ""));

// Remix sends OPTIONS, the browsers' CORS preflight, to the loader (only POST, PUT, PATCH and
// DELETE reach the action); without one it answered every preflight 400.
export const loader = async ({ request }: { request: Request }) =>
  request.method === "OPTIONS"
    ? toResponse(await answerHeadlessEvents(prisma, headlessRequestOf(request), ""))
    : Response.json(
        { error: "POST events to /api/v1/events; recommendations are at GET /api/v1/recommendations" },
        { status: 405, headers: { Allow: "POST, OPTIONS" } },
      );
