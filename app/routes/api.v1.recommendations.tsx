import prisma from "../db.server";
import { answerHeadlessRecommendations, headlessRequestOf } from "../models/storefront/headless-answer.server";
import { toResponse } from "../plain-answer.server";

// GET /api/v1/recommendations: the headless API (see answerHeadlessRecommendations and
// /api/v1/openapi.json). OPTIONS, the browsers' CORS preflight, reaches the loader.
const answer = async ({ request }: { request: Request }) =>
  toResponse(await answerHeadlessRecommendations(prisma, headlessRequestOf(request)));
export const loader = answer;
export const action = answer;
