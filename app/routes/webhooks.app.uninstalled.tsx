import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { clearPlan } from "../models/billing.server";
import { handleUninstall } from "../models/install.server";
import { authenticate, sessionStorage } from "../shopify.server";

// May arrive more than once, and after the sessions are gone: handleUninstall is idempotent.
// Shopify cancels the app's subscriptions at uninstall, so the stored plan goes back to Free too.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  await handleUninstall(db, shop);
  await clearPlan(db, shop);
  sessionStorage.forgetShop(shop);
  return new Response();
};
