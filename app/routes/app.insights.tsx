import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import type { Insights } from "../engine";
import { SectionCard } from "../components/admin";
import { useFormat, useT } from "../i18n/use-t";
import { requireAdminShop } from "../models/admin/forms.server";
import { getCatalogueInsights } from "../models/admin/insights.server";

const COLOURS = ["#2c6ecb", "#d82c0d", "#008060", "#b98900", "#6d3fc0", "#e56910", "#00848e", "#c03f8a"];
const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = 16;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, db } = await requireAdminShop(request);
  return getCatalogueInsights(db, shop);
};

export default function InsightsPage() {
  const { insights, titles } = useLoaderData<typeof loader>();
  const t = useT();
  const format = useFormat();
  if (!insights) {
    return (
      <Page title={t("insights.title")}>
        <Card>
          <Text as="p" tone="subdued">
            {t("insights.empty")}
          </Text>
        </Card>
      </Page>
    );
  }
  const xs = insights.points.map((point) => point.x);
  const ys = insights.points.map((point) => point.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => MARGIN + ((x - minX) / (maxX - minX || 1)) * (WIDTH - 2 * MARGIN);
  const sy = (y: number) => HEIGHT - MARGIN - ((y - minY) / (maxY - minY || 1)) * (HEIGHT - 2 * MARGIN);
  const title = (id: string) => titles[id] ?? id;
  return (
    <Page title={t("insights.title")}>
      <Layout>
        <Layout.Section>
          <SectionCard title={t("insights.map")} help={t("insights.map_help")} gap="200">
            <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={t("insights.map")} style={{ maxHeight: 480 }}>
              {insights.points.map((point) => (
                <circle
                  key={point.itemId}
                  cx={sx(point.x)}
                  cy={sy(point.y)}
                  r={4}
                  fill={COLOURS[point.cluster % COLOURS.length]}
                  fillOpacity={0.75}
                  data-cluster={point.cluster}
                >
                  <title>{`${title(point.itemId)} · ${t("insights.cluster", { id: point.cluster + 1 })}`}</title>
                </circle>
              ))}
            </svg>
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <ClustersCard clusters={insights.clusters} title={title} />
            <SegmentsCard segments={insights.segments} title={title} />
          </InlineGrid>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** The product clusters: each one's colour on the map, its size and its best-known products. */
function ClustersCard({ clusters, title }: { clusters: Insights["clusters"]; title: (id: string) => string }) {
  const t = useT();
  const format = useFormat();
  return (
    <SectionCard title={t("insights.clusters")}>
      {clusters.map((cluster) => (
        <BlockStack key={cluster.id} gap="100">
          <InlineStack gap="200" blockAlign="center">
            <span
              aria-hidden="true"
              style={{
                width: 12,
                height: 12,
                borderRadius: 6,
                background: COLOURS[cluster.id % COLOURS.length],
                display: "inline-block",
              }}
            />
            <Text as="h3" variant="headingSm">
              {t("insights.cluster", { id: cluster.id + 1 })} · {t("insights.size", { count: format.number(cluster.size) })}
            </Text>
          </InlineStack>
          <Text as="p" tone="subdued">
            {cluster.topItemIds.map(title).join(", ")}
          </Text>
        </BlockStack>
      ))}
    </SectionCard>
  );
}

/** The shopper segments: each one's size and the products its shoppers favour. */
function SegmentsCard({ segments, title }: { segments: Insights["segments"]; title: (id: string) => string }) {
  const t = useT();
  const format = useFormat();
  return (
    <SectionCard title={t("insights.segments")}>
      {segments.map((segment) => (
        <BlockStack key={segment.id} gap="100">
          <Text as="h3" variant="headingSm">
            {t("insights.segment", { id: segment.id + 1, count: format.number(segment.shoppers) })}
          </Text>
          <Text as="p" tone="subdued">
            {segment.topItemIds.map(title).join(", ")}
          </Text>
        </BlockStack>
      ))}
    </SectionCard>
  );
}
