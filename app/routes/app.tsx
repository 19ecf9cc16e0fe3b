import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { requireAdmin } from "../admin.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { demo } = await requireAdmin(request);
  return { apiKey: process.env.SHOPIFY_API_KEY || "", demo };
};

export default function App() {
  const { apiKey, demo } = useLoaderData<typeof loader>();

  // In demo mode there is no Shopify admin around the app, so App Bridge stays out.
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey}>
      {!demo && (
        <NavMenu>
          <Link to="/app" rel="home">
            Home
          </Link>
        </NavMenu>
      )}
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included in the response.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
