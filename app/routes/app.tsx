import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Box, InlineStack } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisEs from "@shopify/polaris/locales/es.json";
import { requireAdmin } from "../admin.server";
import { requestLocale, translator } from "../i18n/admin";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const ADMIN_PAGES = [
  { path: "/app", label: "nav.home" },
  { path: "/app/placements", label: "nav.placements" },
  { path: "/app/seasonality", label: "nav.seasonality" },
  { path: "/app/rules", label: "nav.rules" },
  { path: "/app/pairs", label: "nav.pairs" },
  { path: "/app/preview", label: "nav.preview" },
  { path: "/app/insights", label: "nav.insights" },
  { path: "/app/settings", label: "nav.settings" },
] as const;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { demo } = await requireAdmin(request);
  const { locale, setCookie } = requestLocale(request);
  const data = { apiKey: process.env.SHOPIFY_API_KEY || "", demo, locale };
  return setCookie ? Response.json(data, { headers: { "Set-Cookie": setCookie } }) : data;
};

export default function App() {
  const { apiKey, demo, locale } = useLoaderData<typeof loader>() as { apiKey: string; demo: boolean; locale: "en" | "es" };
  const t = translator(locale);
  const { pathname } = useLocation();
  // In demo mode there is no Shopify admin around the app, so App Bridge stays out and the
  // app draws its own navigation.
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey} i18n={locale === "es" ? polarisEs : polarisEn}>
      {demo ? (
        <Box paddingBlock="300" paddingInline="400" background="bg-surface" borderBlockEndWidth="025" borderColor="border">
          <nav aria-label="Affinity">
            <InlineStack gap="400" wrap>
              {ADMIN_PAGES.map((page) => (
                <Link key={page.path} to={page.path} prefetch="intent" aria-current={pathname === page.path ? "page" : undefined} style={{ fontWeight: pathname === page.path ? 650 : 450, color: "inherit" }}>
                  {t(page.label)}
                </Link>
              ))}
            </InlineStack>
          </nav>
        </Box>
      ) : (
        <NavMenu>
          {ADMIN_PAGES.map((page, index) => (
            <Link key={page.path} to={page.path} rel={index === 0 ? "home" : undefined}>
              {t(page.label)}
            </Link>
          ))}
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
