import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requirePreviewShop } from "../preview.server";
import { setting } from "../config/env.server";

// GET /preview: the demo's storefront, a local Shopify storefront that renders the theme app
// extension's blocks (storefront-harness); `npm run demo` starts it beside the app.
export const loader = async (_args: LoaderFunctionArgs) => {
  await requirePreviewShop();
  const storefront = setting("AFFINITY_STOREFRONT_URL");
  if (!storefront) throw new Response("The storefront runs beside the app when started with `npm run demo`.\n", { status: 404 });
  return redirect(storefront);
};
