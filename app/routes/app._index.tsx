import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, EmptyState, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { backfillJob } from "../../workers/jobs/backfill";
import { enqueueJob } from "../jobs.server";
import { requireAdmin } from "../admin.server";
import prisma from "../db.server";
import { listJobRuns } from "../models/job-runs.server";
import { getShopByDomain, getShopOverview } from "../models/shops.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shopDomain, demo } = await requireAdmin(request);
  const shop = await getShopByDomain(prisma, shopDomain);
  if (!shop) return { shopDomain, demo, overview: null, runs: [] };
  const [overview, runs] = await Promise.all([getShopOverview(prisma, shop.id), listJobRuns(prisma, shop.id, 8)]);
  return {
    shopDomain,
    demo,
    overview,
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

// "Import history again": a new backfill of products, customers and orders from Shopify.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shopDomain, demo } = await requireAdmin(request);
  if (demo) return { error: "The demo store is generated locally; it has no Shopify history to import." };
  const shop = await getShopByDomain(prisma, shopDomain);
  if (!shop) return { error: `${shopDomain} is not installed yet.` };
  const run = await enqueueJob(backfillJob, { shopId: shop.id });
  return { queued: run.id };
};

const STATUS_TONE = { SUCCEEDED: "success", FAILED: "critical", RUNNING: "info", QUEUED: undefined, CANCELLED: undefined } as const;

export default function Index() {
  const { shopDomain, demo, overview, runs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const importing = useNavigation().state === "submitting";
  if (!overview) {
    return (
      <Page title="Affinity">
        <Card>
          <EmptyState heading="Your store's history is on its way" image="">
            <p>Affinity is importing {shopDomain}'s products and orders. Recommendations appear once the first training finishes.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const { counts, activeModel } = overview;
  return (
    <Page title="Affinity" subtitle={shopDomain} titleMetadata={demo ? <Badge tone="attention">Demo mode</Badge> : undefined}>
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
            {(
              [
                ["Products", counts.products],
                ["Customers", counts.customers],
                ["Orders", counts.orders],
                ["Interactions", counts.interactions],
              ] as const
            ).map(([label, value]) => (
              <Card key={label}>
                <BlockStack gap="100">
                  <Text as="h3" variant="headingSm" tone="subdued">
                    {label}
                  </Text>
                  <Text as="p" variant="heading2xl">
                    {value.toLocaleString("en-US")}
                  </Text>
                </BlockStack>
              </Card>
            ))}
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Model
              </Text>
              {activeModel ? (
                <Text as="p">
                  Version {activeModel.version} ({activeModel.models.join(" + ")}), trained on{" "}
                  {activeModel.interactionCount.toLocaleString("en-US")} interactions
                  {activeModel.trainedAt ? ` at ${new Date(activeModel.trainedAt).toLocaleString("en-US")}` : ""}.
                </Text>
              ) : (
                <Text as="p" tone="subdued">
                  No model yet: the first training starts once orders have been imported.
                </Text>
              )}
              {demo && (
                <Text as="p">
                  <Link url="/preview">Open the storefront preview</Link> to see the recommendation blocks for any
                  customer and product.
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Background jobs
                </Text>
                <Form method="post">
                  <Button submit loading={importing} disabled={demo}>
                    Import history from Shopify
                  </Button>
                </Form>
              </InlineStack>
              {actionData && "error" in actionData && <Banner tone="critical">{actionData.error}</Banner>}
              {actionData && "queued" in actionData && <Banner tone="success">History import queued; its progress shows below.</Banner>}
              <DataTable
                columnContentTypes={["text", "text", "numeric", "text", "text"]}
                headings={["Job", "Status", "Progress", "Message", "Queued"]}
                rows={runs.map((run) => [
                  run.name,
                  <Badge key={run.id} tone={STATUS_TONE[run.status]}>
                    {run.status.toLowerCase()}
                  </Badge>,
                  `${Math.round(run.progress * 100)}%`,
                  run.message,
                  new Date(run.createdAt).toLocaleString("en-US"),
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
