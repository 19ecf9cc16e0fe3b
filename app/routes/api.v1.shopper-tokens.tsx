import prisma from "../db.server";
import { answerShopperToken, headlessRequestOf } from "../models/storefront/headless-answer.server";
import { toResponse } from "../plain-answer.server";

// POST /api/v1/shopper-tokens: a storefront's server, with its secret key, mints a short-lived
// token for one logged-in shopper (see answerShopperToken). Servers only: no CORS.
export const action = async ({ request }: { request: Request }) =>
  request.method === "POST"
    ? toResponse(await answerShopperToken(prisma, headlessRequestOf(request), await request.text()))
    : Response.json({ error: "POST from your server with a secret key" }, { status: 405, headers: { Allow: "POST" } });

export const loader = () =>
  Response.json({ error: "POST from your server with a secret key" }, { status: 405, headers: { Allow: "POST" } });
