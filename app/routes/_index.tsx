import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isDemoMode } from "../demo.server";

// Shopify opens the app at /?shop=…&host=…; the admin lives under /app.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop") || isDemoMode()) throw redirect(`/app?${url.searchParams.toString()}`);
  return new Response("Affinity is a Shopify app: install it from the Shopify admin, or run `npm run demo` locally.\n", {
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
};
