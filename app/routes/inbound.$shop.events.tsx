import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { parseJsonBody } from "../json-body.server";
import { inboundBody, INBOUND_SIGNATURE_HEADER, recordInboundEvents, verifyInboundSignature } from "../models/inbound.server";
import { getShopByDomain } from "../models/shops.server";
import { MAX_ID_LENGTH, textProblem } from "../text-input.server";

const json = (body: object, status: number) => Response.json(body, { status });

// POST /inbound/<shop domain>/events: wishlist and review events from other apps (see app/models/inbound.server.ts).
export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return json({ error: "use POST" }, 405);
  if (textProblem(params.shop ?? "", MAX_ID_LENGTH))
    return json({ error: "the shop in the URL must be its domain, e.g. store.myshopify.com" }, 404);
  const shop = await getShopByDomain(prisma, (params.shop ?? "").toLowerCase());
  if (!shop) return json({ error: `unknown shop ${params.shop}` }, 404);
  const secret = shop.settings?.inboundSecret;
  if (!secret) return json({ error: "this shop has no inbound secret yet; create one in Affinity's settings" }, 403);
  const rawBody = await request.text();
  if (!verifyInboundSignature(rawBody, secret, request.headers.get(INBOUND_SIGNATURE_HEADER))) {
    return json(
      {
        error: `missing or wrong ${INBOUND_SIGNATURE_HEADER}: it must be the base64 HMAC-SHA256 of the body with the shop's inbound secret`,
      },
      401,
    );
  }
  const parsed = parseJsonBody(rawBody, inboundBody, "some events are not valid; nothing was stored");
  if (!("data" in parsed)) return json(parsed.body, parsed.status);
  return json(await recordInboundEvents(prisma, shop.id, parsed.data.events), 202);
};
