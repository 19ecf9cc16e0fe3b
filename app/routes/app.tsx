import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Banner, Box, InlineStack } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisEs from "@shopify/polaris/locales/es.json";
import { requireAdmin } from "../admin.server";
import { requestLocale, translator } from "../i18n/admin";
import prisma from "../db.server";
import { planIsStale, planUsage, refreshPlan } from "../models/billing.server";
import { authenticate, billingTest } from "../shopify.server";
import { setting } from "../config/env.server";

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
  { path: "/app/plan", label: "nav.plan" },
] as const;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { demo, shopDomain } = await requireAdmin(request);
  const { locale, setCookie } = requestLocale(request);
  const trainingHeld = demo ? null : await heldTraining(request, shopDomain);
  const data = { apiKey: setting("SHOPIFY_API_KEY") || "", demo, locale, trainingHeld };
  return setCookie ? Response.json(data, { headers: { "Set-Cookie": setCookie } }) : data;
};

/**
 * The plan is asked of Shopify when the stored one is older than PLAN_REFRESH_MS, so the worker
 * enforces what the merchant pays for; a Free shop over its limit sees why training is held.
 */
async function heldTraining(request: Request, shopDomain: string) {
  let shop = await prisma.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, domain: true, platform: true, plan: true, planCheckedAt: true },
  });
  if (!shop) return null;
  if (planIsStale(shop.planCheckedAt)) {
    try {
      const { billing } = await authenticate.admin(request);
      shop = { ...shop, plan: (await refreshPlan(prisma, shopDomain, billing, billingTest)).plan };
    } catch (error) {
      if (error instanceof Response) throw error;
      console.error(`[billing] ${shopDomain}: checking the plan failed: ${(error as Error).message}`);
    }
  }
  const usage = await planUsage(prisma, shop);
  return usage.trainingHeld ? { orders: usage.orders, limit: usage.limit, days: usage.windowDays } : null;
}

export default function App() {
  const { apiKey, demo, locale, trainingHeld } = useLoaderData<typeof loader>() as {
    apiKey: string;
    demo: boolean;
    locale: "en" | "es";
    trainingHeld: { orders: number; limit: number; days: number } | null;
  };
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
                <Link
                  key={page.path}
                  to={page.path}
                  prefetch="intent"
                  aria-current={pathname === page.path ? "page" : undefined}
                  style={{ fontWeight: pathname === page.path ? 650 : 450, color: "inherit" }}
                >
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
      {trainingHeld && pathname !== "/app/plan" && (
        <Box paddingBlockStart="400" paddingInline="400">
          <Banner tone="warning" title={t("plan.held_title")} action={{ content: t("plan.upgrade"), url: "/app/plan" }}>
            <p>{t("plan.held", trainingHeld)}</p>
          </Banner>
        </Box>
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
