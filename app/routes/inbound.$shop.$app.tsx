import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import {
  ADAPTERS,
  AdapterPayloadError,
  recordAdapterEvents,
  verifyAdapterToken,
  type AdapterName,
} from "../models/inbound-adapters.server";
import { getShopByDomain } from "../models/shops.server";
import { MAX_ID_LENGTH, textProblem } from "../text-input.server";

const json = (body: object, status: number) => Response.json(body, { status });

// POST /inbound/<shop domain>/<app>?token=…: webhooks of review and wishlist apps as they send
// them (see app/models/inbound-adapters.server.ts). /inbound/<shop>/events is Affinity's own format.
export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return json({ error: "use POST" }, 405);
  const adapter = params.app as AdapterName;
  if (!ADAPTERS.includes(adapter))
    return json({ error: `unknown app "${params.app}"; known: ${ADAPTERS.join(", ")}, or "events" for Affinity's own format` }, 404);
  if (textProblem(params.shop ?? "", MAX_ID_LENGTH))
    return json({ error: "the shop in the URL must be its domain, e.g. store.myshopify.com" }, 404);
  const shop = await getShopByDomain(prisma, (params.shop ?? "").toLowerCase());
  if (!shop) return json({ error: `unknown shop ${params.shop}` }, 404);
  const secret = shop.settings?.inboundSecret;
  const token = new URL(request.url).searchParams.get("token");
  if (!secret || !verifyAdapterToken(secret, adapter, token)) {
    return json({ error: "missing or wrong token: copy this app's webhook URL from Affinity's settings" }, 401);
  }
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    return json({ error: "the body is not JSON" }, 400);
  }
  try {
    return json(await recordAdapterEvents(prisma, shop.id, adapter, body), 202);
  } catch (error) {
    if (error instanceof AdapterPayloadError) return json({ error: `${error.message}; nothing was stored`, errors: error.errors }, 400);
    throw error;
  }
};
