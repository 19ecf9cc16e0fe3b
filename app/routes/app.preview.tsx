import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import type { Placement } from "@prisma/client";
import { BlockStack, Button, Card, DataTable, FormLayout, Layout, Page, Text } from "@shopify/polaris";
import { SectionCard, SelectInput } from "../components/admin";
import { useFormat, useT } from "../i18n/use-t";
import { topCustomers, topProducts } from "../models/admin/dashboard.server";
import { requireAdminShop } from "../models/admin/forms.server";
import { getRecommendations, PLACEMENTS } from "../models/recommendations/index.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, db } = await requireAdminShop(request);
  const params = new URL(request.url).searchParams;
  const [customers, products] = await Promise.all([topCustomers(db, shop.id, 60), topProducts(db, shop.id, 120)]);
  const customerId = params.get("customer") ?? customers[0]?.id ?? "";
  const productId = params.get("product") ?? products[0]?.id ?? "";
  const placements = await Promise.all(
    PLACEMENTS.map(async (placement: Placement) => ({
      placement,
      products: (
        await getRecommendations(db, {
          shopId: shop.id,
          placement,
          customerId: customerId || null,
          productId: productId || null,
          cart: placement === "CART" && productId ? [productId] : [],
          limit: 6,
        })
      ).map(({ productId: id, title, reason, tier, score, signals }) => ({
        productId: id,
        title,
        reason,
        tier,
        score: score !== undefined && Number.isFinite(score) ? score : null,
        signals: signals ?? {},
      })),
    })),
  );
  return { customers, products, customerId, productId, placements };
};

export default function Preview() {
  const { customers, products, customerId, productId, placements } = useLoaderData<typeof loader>();
  const t = useT();
  const format = useFormat();
  return (
    <Page title={t("preview.title")} subtitle={t("preview.help")}>
      <Layout>
        <Layout.Section>
          <Card>
            <Form method="get">
              <FormLayout>
                <FormLayout.Group>
                  <SelectInput
                    label={t("common.customer")}
                    name="customer"
                    initial={customerId}
                    options={[
                      { label: t("preview.guest"), value: "" },
                      ...customers.map((customer) => ({ label: customer.label, value: customer.id })),
                    ]}
                  />
                  <SelectInput
                    label={t("common.product")}
                    name="product"
                    initial={productId}
                    options={products.map((product) => ({ label: product.label, value: product.id }))}
                  />
                </FormLayout.Group>
                <Button submit variant="primary">
                  {t("common.show")}
                </Button>
              </FormLayout>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="400">
            {placements.map(({ placement, products: shown }) => (
              <SectionCard key={placement} title={t(`placement.${placement}`)} gap="200">
                {shown.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("preview.empty")}
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "text"]}
                    headings={[t("common.product"), t("preview.reason"), t("preview.score"), t("preview.signals")]}
                    rows={shown.map((product) => [
                      product.title,
                      `${product.reason} (${product.tier})`,
                      product.score === null ? "—" : format.number(product.score, 3),
                      Object.entries(product.signals)
                        .map(([name, value]) => `${name} ${typeof value === "number" ? format.number(value, 2) : String(value)}`)
                        .join(", "),
                    ])}
                  />
                )}
              </SectionCard>
            ))}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
