import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, InlineGrid, Page, Text } from "@shopify/polaris";
import { PLACEMENTS } from "../engine/placements";
import { PeriodPicker, ProductList, SectionCard } from "../components/admin";
import { useFormat, useT } from "../i18n/use-t";
import { PERIODS } from "../models/admin/constants";
import { periodOf, placementStats, topCustomers, topProducts } from "../models/admin/dashboard.server";
import { requireAdminShop } from "../models/admin/forms.server";
import { getRecommendations } from "../models/recommendations/index.server";

/** Every placement but the cart's, which mixes the others. */
const SHOWN = PLACEMENTS.filter((placement) => placement !== "CART");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, db } = await requireAdminShop(request);
  const [stats, [customer], [product]] = await Promise.all([
    placementStats(db, shop.id, periodOf(new URL(request.url))),
    topCustomers(db, shop.id, 1),
    topProducts(db, shop.id, 1),
  ]);
  const placements = await Promise.all(
    SHOWN.map(async (placement) => {
      const perProduct = placement === "BOUGHT_TOGETHER" || placement === "RELATED";
      const subject = perProduct ? product?.label : placement === "TRENDING" ? null : customer?.label;
      const items =
        perProduct && !product
          ? []
          : await getRecommendations(db, {
              shopId: shop.id,
              placement,
              customerId: customer?.id,
              productId: perProduct ? product?.id : null,
              limit: 4,
            });
      return {
        placement,
        subject,
        stats: stats.get(placement) ?? null,
        items: items.map(({ productId, title, reason }) => ({ productId, title, reason })),
      };
    }),
  );
  return { placements, currency: shop.currency ?? "USD" };
};

export default function Placements() {
  const { placements, currency } = useLoaderData<typeof loader>();
  const t = useT();
  const format = useFormat();
  return (
    <Page title={t("placements.title")} secondaryActions={<PeriodPicker periods={PERIODS} />}>
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        {placements.map(({ placement, subject, stats, items }) => (
          <SectionCard
            key={placement}
            title={t(`placement.${placement}`)}
            action={stats?.impressions ? <Badge tone="success">{t("placements.on")}</Badge> : <Badge>{t("placements.off")}</Badge>}
          >
            <InlineGrid columns={4} gap="200">
              {(
                [
                  ["placements.impressions", stats?.impressions ?? 0],
                  ["placements.clicks", stats?.clicks ?? 0],
                  ["placements.add_to_cart", stats?.addToCarts ?? 0],
                ] as const
              ).map(([label, value]) => (
                <BlockStack key={label} gap="050">
                  <Text as="span" variant="bodySm" tone="subdued">
                    {t(label)}
                  </Text>
                  <Text as="span" variant="headingMd">
                    {format.number(value)}
                  </Text>
                </BlockStack>
              ))}
              <BlockStack gap="050">
                <Text as="span" variant="bodySm" tone="subdued">
                  {t("placements.revenue")}
                </Text>
                <Text as="span" variant="headingMd">
                  {format.money(stats?.revenue ?? 0, currency)}
                </Text>
              </BlockStack>
            </InlineGrid>
            <Text as="h3" variant="headingSm">
              {subject ? `${t("placements.example")} · ${t("placements.example_for", { subject })}` : t("placements.example")}
            </Text>
            <ProductList products={items} empty={t("placements.empty_example")} />
          </SectionCard>
        ))}
      </InlineGrid>
    </Page>
  );
}
