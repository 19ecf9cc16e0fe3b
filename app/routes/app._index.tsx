import { useId, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Collapsible,
  DataTable,
  EmptyState,
  Icon,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  Text,
} from "@shopify/polaris";
import { AlertCircleIcon, CheckCircleIcon } from "@shopify/polaris-icons";
import { backfillJob } from "../jobs/definitions/backfill";
import { ingestWebhookJob } from "../jobs/definitions/ingest-webhook";
import { Chart, PeriodPicker, SectionCard } from "../components/admin";
import { FailedWebhooksCard, ThemeBlocksCard } from "../components/home-cards";
import { enqueueJob, pushJob } from "../jobs/enqueue.server";
import { requireAdmin } from "../admin.server";
import { setting } from "../config/env.server";
import prisma from "../db.server";
import { useFormat, useT } from "../i18n/use-t";
import { PERIODS } from "../models/admin/constants";
import { getDashboard, periodOf } from "../models/admin/dashboard.server";
import type { PlacementComparison } from "../models/admin/placement-quality";
import { listJobRuns } from "../models/job-runs.server";
import { getShopByDomain } from "../models/shops.server";
import { demoThemeBlocks, themeBlocksStatus } from "../models/theme-blocks.server";
import { dismissFailedWebhooks, failedWebhooksForAdmin, isShopWebhook, reopenFailedWebhooks } from "../models/webhooks.server";
import { adminApiForShop } from "../shopify/admin-api.server";
import { MAX_ID_LENGTH, readFormText } from "../text-input.server";

/** The table of all models' rows: the served blend, its models, Trending, then the baselines (the stored JSON keeps no order). */
const MODEL_ORDER = [
  "for-you",
  "ease",
  "session-ease",
  "recent-ease",
  "als",
  "two-tower",
  "trending",
  "trending-season",
  "popularity",
  "buy-again",
];
/** The chart over versions follows the served blend against the baselines (one colour each). */
const CHARTED_MODELS = ["for-you", "trending", "popularity", "buy-again"];
const byDisplayOrder = (names: string[]) => {
  const rank = (name: string) => (MODEL_ORDER.includes(name) ? MODEL_ORDER.indexOf(name) : MODEL_ORDER.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shopDomain, demo } = await requireAdmin(request);
  const shop = await getShopByDomain(prisma, shopDomain);
  if (!shop) return { shopDomain, demo, dashboard: null, runs: [], currency: "USD", apiKey: "", failedWebhooks: [], themeBlocks: null };
  const apiKey = setting("SHOPIFY_API_KEY") ?? "";
  // The demo store has no Shopify theme: no Admin API call.
  const themeBlocks = demo
    ? Promise.resolve(demoThemeBlocks({ shopDomain, apiKey }))
    : themeBlocksStatus(() => adminApiForShop(prisma, shopDomain), { shopDomain, apiKey });
  const [dashboard, runs, failedWebhooks, blocks] = await Promise.all([
    getDashboard(prisma, shop.id, periodOf(new URL(request.url))),
    listJobRuns(prisma, shop.id, 8),
    failedWebhooksForAdmin(prisma, shopDomain),
    themeBlocks,
  ]);
  return {
    shopDomain,
    demo,
    dashboard,
    currency: shop.currency ?? "USD",
    apiKey,
    failedWebhooks,
    themeBlocks: blocks,
    runs: runs.map((run) => ({
      id: run.id,
      name: run.name,
      status: run.status,
      progress: run.progress,
      message: run.message ?? run.error ?? "",
      createdAt: run.createdAt.toISOString(),
    })),
  };
};

type HomeAnswer = { error?: "home.import_demo"; queued?: string; retried?: number; dismissed?: number };

/**
 * The delivery a Retry or Dismiss names, checked before any query: an id with a NUL, or longer
 * than an id can be, answers 400 saying so.
 */
function deliveryId(form: FormData): string {
  const read = readFormText(form, "id", MAX_ID_LENGTH);
  if ("error" in read)
    throw new Response(`Retry and Dismiss need a delivery's id: the field ${read.error.field} ${read.error.message}.`, { status: 400 });
  return read.value;
}

/**
 * Retry re-queues the shop's stored payloads for ingestion (a delivery of another shop is not
 * found: 404); the job key carries the attempt count, so a double click queues one job, and a
 * payload that fails again is kept with the new error. Dismiss deletes the stored payloads.
 */
async function answerFailedWebhooks(shopDomain: string, intent: string, form: FormData): Promise<HomeAnswer> {
  const ids = intent.endsWith("-all-webhooks") ? "all" : [deliveryId(form)];
  if (ids !== "all" && !(await isShopWebhook(prisma, shopDomain, ids[0])))
    throw new Response("No such webhook delivery for this store.", { status: 404 });
  if (intent === "dismiss-webhook") return { dismissed: await dismissFailedWebhooks(prisma, shopDomain, ids) };
  const reopened = await reopenFailedWebhooks(prisma, shopDomain, ids);
  for (const event of reopened)
    await pushJob(ingestWebhookJob, { eventId: event.id }, `ingest-webhook-${event.id}-retry-${event.attempts}`);
  return { retried: reopened.length };
}

const WEBHOOK_INTENTS = new Set(["retry-webhook", "retry-all-webhooks", "dismiss-webhook"]);

// "Import history again": a new backfill of products, customers and orders from Shopify; and the failed deliveries' Retry / Dismiss.
export const action = async ({ request }: ActionFunctionArgs): Promise<HomeAnswer> => {
  const { shopDomain, demo } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "import");
  if (WEBHOOK_INTENTS.has(intent)) return answerFailedWebhooks(shopDomain, intent, form);
  if (demo) return { error: "home.import_demo" as const };
  const shop = await getShopByDomain(prisma, shopDomain);
  if (!shop) return { error: "home.import_demo" as const };
  const run = await enqueueJob(backfillJob, { shopId: shop.id });
  return { queued: run.id };
};

const STATUS_TONE = { SUCCEEDED: "success", FAILED: "critical", RUNNING: "info", QUEUED: undefined, CANCELLED: undefined } as const;

type HomeData = ReturnType<typeof useLoaderData<typeof loader>>;
type Dashboard = NonNullable<HomeData["dashboard"]>;

export default function Home() {
  const { shopDomain, demo, dashboard, runs, currency, apiKey, failedWebhooks, themeBlocks } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  if (!dashboard) {
    return (
      <Page title={t("home.title")}>
        <Card>
          <EmptyState heading={t("home.sync")} image="">
            <p>{t("home.no_model")}</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  // Blocks count as added once one is live in the published theme (or App Bridge says so).
  const checklist = { ...dashboard.checklist, blocks: !!themeBlocks?.blocks.some((block) => block.live.length > 0) };
  const editor = themeBlocks?.blocks.find((block) => block.handle === "bought-together")?.addLink ?? "";
  return (
    <Page
      title={t("home.title")}
      subtitle={shopDomain}
      titleMetadata={demo ? <Badge tone="attention">{t("common.demo")}</Badge> : undefined}
      secondaryActions={<PeriodPicker periods={PERIODS} />}
    >
      <Layout>
        {!(checklist.history && checklist.model && checklist.blocks) && <ChecklistSection checklist={checklist} editor={editor} />}
        {(failedWebhooks.length > 0 || actionData?.retried !== undefined || actionData?.dismissed !== undefined) && (
          <Layout.Section>
            <FailedWebhooksCard deliveries={failedWebhooks} outcome={actionData} />
          </Layout.Section>
        )}
        <CountsSection counts={dashboard.counts} />
        <RevenueSection lift={dashboard.lift} series={dashboard.series} currency={currency} />
        <ModelSection activeModel={dashboard.activeModel} quality={dashboard.quality} placements={dashboard.placements} />
        {themeBlocks && (
          <Layout.Section>
            <ThemeBlocksCard report={themeBlocks} embedded={!demo} shopDomain={shopDomain} apiKey={apiKey} />
          </Layout.Section>
        )}
        <JobsSection dashboard={dashboard} runs={runs} demo={demo} outcome={actionData} />
      </Layout>
      <Box paddingBlockEnd="800" />
    </Page>
  );
}

/** What is left to set up (history, a model, the theme blocks), with a link into the theme editor while no block is live. */
function ChecklistSection({ checklist, editor }: { checklist: Record<"history" | "model" | "blocks", boolean>; editor: string }) {
  const t = useT();
  return (
    <Layout.Section>
      <SectionCard title={t("home.checklist")} gap="200">
        {(
          [
            ["history", "home.check.history"],
            ["model", "home.check.model"],
            ["blocks", "home.check.blocks"],
          ] as const
        ).map(([key, label]) => (
          <InlineStack key={key} gap="200" blockAlign="center">
            <span aria-hidden="true">
              <Icon source={checklist[key] ? CheckCircleIcon : AlertCircleIcon} tone={checklist[key] ? "success" : "subdued"} />
            </span>
            <Text as="span" tone={checklist[key] ? "subdued" : undefined}>
              {label === "home.check.blocks" && !checklist.blocks ? (
                <>
                  {t(label)} ·{" "}
                  <Link url={editor} target="_blank">
                    {t("home.check.open_editor")}
                  </Link>
                </>
              ) : (
                t(label)
              )}
            </Text>
          </InlineStack>
        ))}
      </SectionCard>
    </Layout.Section>
  );
}

/** The store's products, customers, orders and interactions, one card each. */
function CountsSection({ counts }: { counts: Dashboard["counts"] }) {
  const t = useT();
  const format = useFormat();
  return (
    <Layout.Section>
      <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
        {(
          [
            ["home.products", counts.products],
            ["home.customers", counts.customers],
            ["home.orders", counts.orders],
            ["home.interactions", counts.interactions],
          ] as const
        ).map(([label, value]) => (
          <Card key={label}>
            <BlockStack gap="100">
              <Text as="h3" variant="headingSm" tone="subdued">
                {t(label)}
              </Text>
              <Text as="p" variant="heading2xl">
                {format.number(value)}
              </Text>
            </BlockStack>
          </Card>
        ))}
      </InlineGrid>
    </Layout.Section>
  );
}

/** Attributed orders and revenue, click-through and lift over the period, and their daily charts. */
function RevenueSection({ lift, series, currency }: { lift: Dashboard["lift"]; series: Dashboard["series"]; currency: string }) {
  const t = useT();
  const format = useFormat();
  return (
    <Layout.Section>
      <SectionCard title={t("home.revenue")}>
        {lift.impressions === 0 ? (
          <Text as="p" tone="subdued">
            {t("home.revenue_empty")}
          </Text>
        ) : (
          <>
            <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
              <Metric label={t("home.attributed_orders")} value={format.number(lift.attributedOrders)} />
              <Metric label={t("home.attributed_revenue")} value={format.money(lift.attributedRevenue, currency)} />
              <Metric label={t("home.click_through")} value={format.percent(lift.clickThrough)} />
              <Metric
                label={t("home.lift")}
                value={lift.revenueLift == null ? undefined : `${lift.revenueLift >= 0 ? "+" : ""}${format.percent(lift.revenueLift)}`}
                note={t("home.lift_none")}
              />
            </InlineGrid>
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <Chart
                kind="bar"
                label={t("home.chart_revenue")}
                series={[
                  { name: t("home.attributed_revenue"), data: series.map((day) => ({ key: format.day(day.day), value: day.revenue })) },
                ]}
              />
              <Chart
                kind="line"
                label={t("home.chart_ctr")}
                series={[
                  {
                    name: t("placements.impressions"),
                    data: series.map((day) => ({ key: format.day(day.day), value: day.impressions })),
                  },
                  { name: t("placements.clicks"), data: series.map((day) => ({ key: format.day(day.day), value: day.clicks })) },
                ]}
              />
            </InlineGrid>
          </>
        )}
      </SectionCard>
    </Layout.Section>
  );
}

/** The served model's version, and the last training's placements beside their baselines, all its models and the chart over versions. */
function ModelSection({ activeModel, quality, placements }: Pick<Dashboard, "activeModel" | "quality" | "placements">) {
  const t = useT();
  const format = useFormat();
  return (
    <Layout.Section>
      <SectionCard title={t("home.model")}>
        <Text as="p">
          {activeModel
            ? t("home.model_version", {
                version: activeModel.version,
                count: format.number(activeModel.interactionCount),
                when: activeModel.trainedAt ? format.date(activeModel.trainedAt) : "",
              })
            : t("home.no_model")}
        </Text>
        <Text as="h3" variant="headingSm">
          {t("home.quality")}
        </Text>
        <QualityReport quality={quality} placements={placements} />
      </SectionCard>
    </Layout.Section>
  );
}

/** How "Recommended for you" serves, in the words that say which baselines it is compared with. */
const FOR_YOU_SERVING = {
  "new-only": "home.for_you_new_only",
  "due-repeats": "home.for_you_repeats_due",
  ranker: "home.for_you_repeats_ranker",
} as const;

function QualityReport({ quality, placements }: Pick<Dashboard, "quality" | "placements">) {
  const t = useT();
  const format = useFormat();
  const latestQuality = quality.at(-1)?.metrics;
  if (!latestQuality || !placements)
    return (
      <Text as="p" tone="subdued">
        {t("home.quality_none")}
      </Text>
    );
  const modelNames = byDisplayOrder(Object.keys(latestQuality.models));
  return (
    <>
      <Text as="p" tone="subdued" variant="bodySm">
        {t("home.quality_intro", { k: placements.k, customers: format.number(placements.customers) })}
      </Text>
      {placements.rows.length > 0 && <PlacementTable rows={placements.rows} />}
      <Text as="p" variant="bodySm">
        {t(FOR_YOU_SERVING[placements.forYou])}
      </Text>
      {latestQuality.choices.forYou.trend && (
        <Text as="p" variant="bodySm">
          {t("home.for_you_trend")}
        </Text>
      )}
      {latestQuality.choices.trending.season && (
        <Text as="p" variant="bodySm">
          {t("home.trending_season")}
        </Text>
      )}
      <AllModels models={latestQuality.models} names={modelNames} />
      {quality.length > 1 && (
        <Chart
          kind="line"
          label={t("home.quality")}
          series={modelNames
            .filter((name) => CHARTED_MODELS.includes(name))
            .map((name) => ({
              name: t(`home.model_name.${name}`),
              data: quality.map((entry) => ({ key: `v${entry.version}`, value: entry.metrics.models[name]?.all.recall ?? null })),
            }))}
        />
      )}
    </>
  );
}

/** One row per placement the check measured: what it found, its baseline's figure, and the difference in words. */
function PlacementTable({ rows }: { rows: PlacementComparison[] }) {
  const t = useT();
  const format = useFormat();
  const inWords = ({ difference, baseline }: PlacementComparison) => {
    const than = t(`home.than.${baseline}`);
    if (difference.kind === "more" || difference.kind === "fewer")
      return t(`home.difference.${difference.kind}`, { than, share: format.percent(difference.share) });
    if (difference.kind === "times") return t("home.difference.times", { than, times: format.number(difference.times, 1) });
    return t(`home.difference.${difference.kind}`, { than });
  };
  return (
    <DataTable
      columnContentTypes={["text", "text", "numeric", "text", "numeric", "text"]}
      headings={[
        t("home.compare.placement"),
        t("home.compare.view"),
        t("home.compare.found"),
        t("home.compare.baseline"),
        t("home.compare.baseline_found"),
        t("home.compare.difference"),
      ]}
      rows={rows.map((row) => [
        <span key="placement" data-comparison={`${row.placement}-${row.view}`}>
          {t(`placement.${row.placement}`)}
        </span>,
        <Wrapping key="view">{t(`home.view.${row.view}`)}</Wrapping>,
        format.percent(row.recall),
        t(`home.baseline.${row.baseline}`),
        format.percent(row.baselineRecall),
        <Wrapping key="difference" minWidth="14rem">
          {inWords(row)}
        </Wrapping>,
      ])}
    />
  );
}

/** A DataTable cell's text that wraps (the table's cells keep to one line), so a sentence does not push the table past the card. */
function Wrapping({ children, minWidth }: { children: string; minWidth?: string }) {
  return <span style={{ display: "block", whiteSpace: "normal", minWidth }}>{children}</span>;
}

/**
 * Every model the check measured, on both views, behind a disclosure: the blend's parts and the
 * baselines are not placements, but a curious merchant can still compare them.
 */
function AllModels({ models, names }: { models: Dashboard["quality"][number]["metrics"]["models"]; names: string[] }) {
  const t = useT();
  const format = useFormat();
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <BlockStack gap="200">
      <InlineStack>
        <Button variant="plain" disclosure={open ? "up" : "down"} ariaExpanded={open} ariaControls={id} onClick={() => setOpen(!open)}>
          {t("home.all_models")}
        </Button>
      </InlineStack>
      <Collapsible id={id} open={open}>
        <BlockStack gap="200">
          <Text as="p" tone="subdued" variant="bodySm">
            {t("home.all_models_help")}
          </Text>
          <DataTable
            columnContentTypes={["text", "numeric", "numeric"]}
            headings={["", t("home.view.all"), t("home.view.new")]}
            rows={names.map((name) => [
              t(`home.model_name.${name}`),
              format.percent(models[name].all.recall),
              format.percent(models[name].new.recall),
            ])}
          />
        </BlockStack>
      </Collapsible>
    </BlockStack>
  );
}

/** Webhook and backfill status, "Import history again" and its answer, and the latest job runs. */
function JobsSection({
  dashboard,
  runs,
  demo,
  outcome,
}: {
  dashboard: Dashboard;
  runs: HomeData["runs"];
  demo: boolean;
  outcome?: HomeAnswer;
}) {
  const navigation = useNavigation();
  const importing = navigation.state === "submitting" && (navigation.formData?.get("intent") ?? "import") === "import";
  const t = useT();
  const format = useFormat();
  return (
    <Layout.Section>
      <SectionCard
        title={t("home.jobs")}
        gap="200"
        help={dashboard.webhooks ? t("home.webhooks", { count: format.number(dashboard.webhooks) }) : t("home.no_webhooks")}
        action={
          <Form method="post">
            <Button submit loading={importing} disabled={demo}>
              {t("home.import")}
            </Button>
          </Form>
        }
      >
        {dashboard.backfill && (
          <Text as="p">
            {t("home.backfill", {
              status: dashboard.backfill.status.toLowerCase(),
              progress: Math.round(dashboard.backfill.progress * 100),
            })}
          </Text>
        )}
        {outcome?.error && <Banner tone="critical">{t(outcome.error)}</Banner>}
        {outcome?.queued && <Banner tone="success">{t("home.import_queued")}</Banner>}
        <DataTable
          columnContentTypes={["text", "text", "numeric", "text", "text"]}
          headings={[t("home.job"), t("home.status"), t("home.progress"), t("home.message"), t("home.queued_at")]}
          rows={runs.map((run) => [
            run.name,
            <Badge key={run.id} tone={STATUS_TONE[run.status]}>
              {run.status.toLowerCase()}
            </Badge>,
            `${Math.round(run.progress * 100)}%`,
            run.message,
            format.date(run.createdAt),
          ])}
        />
      </SectionCard>
    </Layout.Section>
  );
}

function Metric({ label, value, note }: { label: string; value?: string; note?: string }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      {value ? (
        <Text as="p" variant="headingXl">
          {value}
        </Text>
      ) : (
        <Text as="p" tone="subdued">
          {note}
        </Text>
      )}
    </BlockStack>
  );
}
