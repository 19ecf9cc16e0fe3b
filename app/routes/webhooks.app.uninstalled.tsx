import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { handleUninstall } from "../models/install.server";
import { authenticate, sessionStorage } from "../shopify.server";

// May arrive more than once, and after the sessions are gone: handleUninstall is idempotent.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  await handleUninstall(db, shop);
  sessionStorage.forgetShop(shop);
  return new Response();
};
