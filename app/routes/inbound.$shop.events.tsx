import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { inboundBody, INBOUND_SIGNATURE_HEADER, recordInboundEvents, verifyInboundSignature } from "../models/inbound.server";
import { getShopByDomain } from "../models/shops.server";

const json = (body: object, status: number) => Response.json(body, { status });

// POST /inbound/<shop domain>/events: wishlist and review events from other apps (see app/models/inbound.server.ts).
export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return json({ error: "use POST" }, 405);
  const shop = await getShopByDomain(prisma, (params.shop ?? "").toLowerCase());
  if (!shop) return json({ error: `unknown shop ${params.shop}` }, 404);
  const secret = shop.settings?.inboundSecret;
  if (!secret) return json({ error: "this shop has no inbound secret yet; create one in Affinity's settings" }, 403);
  const rawBody = await request.text();
  if (!verifyInboundSignature(rawBody, secret, request.headers.get(INBOUND_SIGNATURE_HEADER))) {
    return json({ error: `missing or wrong ${INBOUND_SIGNATURE_HEADER}: it must be the base64 HMAC-SHA256 of the body with the shop's inbound secret` }, 401);
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return json({ error: "the body is not JSON" }, 400);
  }
  const parsed = inboundBody.safeParse(body);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }));
    return json({ error: "some events are not valid; nothing was stored", errors }, 400);
  }
  return json(await recordInboundEvents(prisma, shop.id, parsed.data.events), 202);
};
