import { demoModeStatus, demoRefusalResponse, DEMO_SHOP_DOMAIN } from "./demo.server";
import { authenticate } from "./shopify.server";

export interface AdminContext {
  shopDomain: string;
  demo: boolean;
}

/**
 * Authenticates an admin request: through Shopify (session token / OAuth) normally, or as the
 * demo shop in demo mode. A refused demo request answers 403 with the reason.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  const demo = demoModeStatus();
  if (demo.requested) {
    if (demo.refusal) throw demoRefusalResponse(demo.refusal);
    return { shopDomain: DEMO_SHOP_DOMAIN, demo: true };
  }
  const { session } = await authenticate.admin(request);
  return { shopDomain: session.shop, demo: false };
}
