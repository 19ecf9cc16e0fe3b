import prisma from "./db.server";
import { DEMO_SHOP_DOMAIN, demoModeStatus, demoRefusalResponse } from "./demo.server";
import { getShopByDomain } from "./models/shops.server";

/** The demo shop, for the storefront preview; the preview exists only in demo mode. */
export async function requirePreviewShop() {
  const demo = demoModeStatus();
  if (demo.refusal) throw demoRefusalResponse(demo.refusal);
  if (!demo.requested) {
    throw new Response("The storefront preview is served in demo mode only (npm run demo).\n", { status: 404 });
  }
  const shop = await getShopByDomain(prisma, DEMO_SHOP_DOMAIN);
  if (!shop) throw new Response("The demo store has not been loaded yet; restart `npm run demo`.\n", { status: 503 });
  return shop;
}
