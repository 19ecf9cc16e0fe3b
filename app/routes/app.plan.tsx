import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Badge, Banner, BlockStack, Button, Card, InlineGrid, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { requireAdmin } from "../admin.server";
import { SectionCard } from "../components/admin";
import prisma from "../db.server";
import { useFormat, useT } from "../i18n/use-t";
import {
  FREE_ORDER_LIMIT,
  FREE_WINDOW_DAYS,
  GROWTH_PLAN,
  GROWTH_PRICE_USD,
  GROWTH_TRIAL_DAYS,
  planPageReturnUrl,
  planUsage,
  refreshPlan,
  storePlan,
} from "../models/billing.server";
import { getShopByDomain } from "../models/shops.server";
import { authenticate, billingTest } from "../shopify.server";
import { setting } from "../config/env.server";

const PLAN_FACTS = { freeLimit: FREE_ORDER_LIMIT, windowDays: FREE_WINDOW_DAYS, price: GROWTH_PRICE_USD, trialDays: GROWTH_TRIAL_DAYS };

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shopDomain, demo } = await requireAdmin(request);
  // Demo mode is free: no billing call is made, and the page says so.
  if (demo) return { demo: true as const, facts: PLAN_FACTS };
  const { billing } = await authenticate.admin(request);
  const shop = await getShopByDomain(prisma, shopDomain);
  if (!shop) throw new Response(`${shopDomain} is not installed: open the app from the Shopify admin to install it.`, { status: 404 });
  let subscription = null;
  let checkFailed = false;
  try {
    subscription = (await refreshPlan(prisma, shopDomain, billing, billingTest)).subscription;
  } catch (error) {
    if (error instanceof Response) throw error;
    // Shopify unreachable: the page shows the stored plan and says it could not be checked.
    console.error(`[billing] ${shopDomain}: checking the plan failed: ${(error as Error).message}`);
    checkFailed = true;
  }
  const stored = await prisma.shop.findUniqueOrThrow({
    where: { id: shop.id },
    select: { id: true, domain: true, platform: true, plan: true, planCheckedAt: true },
  });
  return {
    demo: false as const,
    facts: PLAN_FACTS,
    shopName: shop.name ?? shop.domain,
    usage: await planUsage(prisma, stored),
    checkedAt: stored.planCheckedAt?.toISOString() ?? null,
    checkFailed,
    testCharges: billingTest,
    subscription: subscription && {
      trialDays: subscription.trialDays,
      test: subscription.test,
      currentPeriodEnd: subscription.currentPeriodEnd ?? null,
    },
  };
};

type PlanOutcome = {
  error?: "plan.demo_free" | "plan.already_growth" | "plan.unknown_intent" | "plan.billing_failed";
  detail?: string;
  downgraded?: boolean;
};

// Upgrade sends the merchant to Shopify's confirmation page (billing.request throws that redirect);
// downgrade cancels the subscription, prorated as Shopify prorates it.
export const action = async ({ request }: ActionFunctionArgs): Promise<PlanOutcome> => {
  const { shopDomain, demo } = await requireAdmin(request);
  if (demo) return { error: "plan.demo_free" };
  const { billing } = await authenticate.admin(request);
  const intent = String((await request.formData()).get("intent") ?? "");
  if (intent !== "upgrade" && intent !== "downgrade") return { error: "plan.unknown_intent", detail: intent };
  try {
    const { appSubscriptions } = await billing.check({ plans: [GROWTH_PLAN], isTest: billingTest });
    if (intent === "upgrade") {
      if (appSubscriptions.some((subscription) => subscription.status === "ACTIVE")) return { error: "plan.already_growth" };
      return await billing.request({
        plan: GROWTH_PLAN,
        isTest: billingTest,
        returnUrl: planPageReturnUrl(shopDomain, setting("SHOPIFY_API_KEY") ?? ""),
      });
    }
    for (const subscription of appSubscriptions)
      await billing.cancel({ subscriptionId: subscription.id, isTest: billingTest, prorate: true });
    await storePlan(prisma, shopDomain, []);
    return { downgraded: true };
  } catch (error) {
    if (error instanceof Response) throw error;
    return { error: "plan.billing_failed", detail: billingErrorText(error) };
  }
};

// billing.request throws the 401 that carries the confirmation URL for App Bridge: the header
// reaches the response only through this route's own headers function.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

/** A BillingError's message with Shopify's userErrors, which say what was refused. */
function billingErrorText(error: unknown): string {
  const { message, errorData } = error as { message?: string; errorData?: { message?: string }[] };
  const details = Array.isArray(errorData)
    ? errorData
        .map((entry) => entry?.message)
        .filter(Boolean)
        .join("; ")
    : "";
  return [message, details].filter(Boolean).join(": ");
}

export default function PlanPage() {
  const data = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const t = useT();
  if (data.demo) {
    return (
      <Page title={t("plan.title")} titleMetadata={<Badge tone="attention">{t("common.demo")}</Badge>}>
        <Layout>
          <Layout.Section>
            <Banner tone="info" title={t("plan.demo_title")}>
              <p>{t("plan.demo_free")}</p>
            </Banner>
          </Layout.Section>
          <Layout.Section>
            <PlanCards current={null} facts={data.facts} />
          </Layout.Section>
        </Layout>
      </Page>
    );
  }
  return (
    <Page
      title={t("plan.title")}
      subtitle={data.shopName}
      titleMetadata={<Badge tone={data.usage.plan === "GROWTH" ? "success" : undefined}>{t(`plan.name.${data.usage.plan}`)}</Badge>}
    >
      <Layout>
        <PlanNotices data={data} outcome={outcome} />
        <Layout.Section>
          <CurrentPlan data={data} />
        </Layout.Section>
        <Layout.Section>
          <PlanCards current={data.usage.plan} facts={data.facts} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

type ShopPlanData = Exclude<ReturnType<typeof useLoaderData<typeof loader>>, { demo: true }>;

function PlanNotices({ data, outcome }: { data: ShopPlanData; outcome?: PlanOutcome }) {
  const t = useT();
  return (
    <>
      {outcome?.error && (
        <Layout.Section>
          <Banner tone="critical" title={t(outcome.error)}>
            {outcome.detail && <p>{outcome.detail}</p>}
          </Banner>
        </Layout.Section>
      )}
      {outcome?.downgraded && (
        <Layout.Section>
          <Banner tone="success" title={t("plan.downgraded")} />
        </Layout.Section>
      )}
      {data.checkFailed && (
        <Layout.Section>
          <Banner tone="warning" title={t("plan.check_failed")} />
        </Layout.Section>
      )}
      {data.usage.trainingHeld && (
        <Layout.Section>
          <Banner tone="critical" title={t("plan.held_title")}>
            <p>{t("plan.held", { orders: data.usage.orders, limit: data.usage.limit, days: data.usage.windowDays })}</p>
          </Banner>
        </Layout.Section>
      )}
    </>
  );
}

function CurrentPlan({ data }: { data: ShopPlanData }) {
  const t = useT();
  const format = useFormat();
  const { usage, subscription } = data;
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("plan.current", { plan: t(`plan.name.${usage.plan}`) })}
          </Text>
          {subscription?.test && <Badge tone="attention">{t("plan.test_charge")}</Badge>}
        </InlineStack>
        <Text as="p">{t("plan.usage", { orders: format.number(usage.orders), days: usage.windowDays })}</Text>
        {usage.plan === "FREE" && (
          <Text as="p" tone="subdued">
            {t("plan.free_covers", { limit: format.number(usage.limit), days: usage.windowDays })}
          </Text>
        )}
        {subscription?.currentPeriodEnd && (
          <Text as="p" tone="subdued">
            {t("plan.period_end", { date: format.date(subscription.currentPeriodEnd) })}
          </Text>
        )}
        {data.checkedAt && (
          <Text as="p" tone="subdued">
            {t("plan.checked_at", { date: format.date(data.checkedAt) })}
          </Text>
        )}
        {data.testCharges && (
          <Text as="p" tone="subdued">
            {t("plan.test_mode")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

function PlanCards({ current, facts }: { current: "FREE" | "GROWTH" | null; facts: typeof PLAN_FACTS }) {
  const t = useT();
  const format = useFormat();
  const busy = useNavigation().state === "submitting";
  return (
    <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
      <SectionCard title={t("plan.name.FREE")}>
        <Text as="p" variant="headingLg">
          {format.money(0, "USD")}
        </Text>
        <List>
          <List.Item>{t("plan.free_covers", { limit: format.number(facts.freeLimit), days: facts.windowDays })}</List.Item>
          <List.Item>{t("plan.free_over")}</List.Item>
        </List>
        {current === "GROWTH" && <PlanButton intent="downgrade" label={t("plan.downgrade")} busy={busy} />}
      </SectionCard>
      <SectionCard title={t("plan.name.GROWTH")}>
        <Text as="p" variant="headingLg">
          {t("plan.price", { price: format.money(facts.price, "USD") })}
        </Text>
        <List>
          <List.Item>{t("plan.growth_unlimited")}</List.Item>
          <List.Item>{t("plan.trial", { days: facts.trialDays })}</List.Item>
          <List.Item>{t("plan.growth_billed")}</List.Item>
        </List>
        {current === "FREE" && <PlanButton intent="upgrade" label={t("plan.upgrade")} busy={busy} primary />}
      </SectionCard>
    </InlineGrid>
  );
}

function PlanButton({
  intent,
  label,
  busy,
  primary,
}: {
  intent: "upgrade" | "downgrade";
  label: string;
  busy: boolean;
  primary?: boolean;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <Button submit variant={primary ? "primary" : undefined} tone={primary ? undefined : "critical"} loading={busy}>
        {label}
      </Button>
    </Form>
  );
}
