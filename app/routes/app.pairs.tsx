import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, FormLayout, InlineStack, Layout, Page, Tabs, Text } from "@shopify/polaris";
import { SectionStack, SelectInput, useFieldError } from "../components/admin";
import { useFormat, useT } from "../i18n/use-t";
import { PAIR_STATUSES } from "../models/admin/constants";
import { topProducts } from "../models/admin/dashboard.server";
import { formObject, requireAdminShop, type FieldErrors } from "../models/admin/forms.server";
import { addManualPair, countPairsByStatus, listPairs, setPairStatus } from "../models/admin/merchandising.server";

const PAGE_SIZE = 50;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, db } = await requireAdminShop(request);
  const requested = new URL(request.url).searchParams.get("status");
  const status = PAIR_STATUSES.find((known) => known === requested) ?? "SUGGESTED";
  const [pairs, counts, products] = await Promise.all([
    listPairs(db, shop.id, status, PAGE_SIZE),
    countPairsByStatus(db, shop.id),
    topProducts(db, shop.id, 120),
  ]);
  return { status, counts, pairs: pairs.map((pair) => ({ ...pair, updatedAt: undefined })), products };
};

export const action = async ({ request }: ActionFunctionArgs): Promise<{ errors?: FieldErrors; added?: boolean }> => {
  const { shop, db } = await requireAdminShop(request);
  const values = formObject(await request.formData());
  if (values.intent === "manual") {
    const result = await addManualPair(db, shop.id, values);
    return "errors" in result ? { errors: result.errors } : { added: true };
  }
  await setPairStatus(db, shop.id, String(values.id), String(values.status));
  return {};
};

export default function Pairs() {
  const { status, counts, pairs } = useLoaderData<typeof loader>();
  const [, setParams] = useSearchParams();
  const t = useT();
  const format = useFormat();
  const decide = (id: string, next: string, label: string, tone?: "critical") => (
    <Form method="post" key={next}>
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="status" value={next} />
      <Button submit size="slim" tone={tone}>
        {label}
      </Button>
    </Form>
  );
  return (
    <Page title={t("pairs.title")}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            <Tabs
              tabs={PAIR_STATUSES.map((known) => ({
                id: known,
                content: `${t(`pairs.status.${known}`)} (${format.number(counts[known] ?? 0)})`,
              }))}
              selected={PAIR_STATUSES.indexOf(status)}
              onSelect={(index) => setParams({ status: PAIR_STATUSES[index] })}
            />
            <BlockStack gap="200">
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="p" tone="subdued">
                  {t("pairs.help")}
                </Text>
              </div>
              {pairs.length === 0 ? (
                <div style={{ padding: "var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">
                    {t("pairs.empty")}
                  </Text>
                </div>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "text"]}
                  headings={[t("pairs.pair"), t("pairs.support"), t("pairs.confidence"), t("pairs.lift"), ""]}
                  rows={pairs.map((pair) => [
                    <span key="pair" data-pair-id={pair.id}>
                      {pair.product} + {pair.related}
                    </span>,
                    format.number(pair.support, 4),
                    format.percent(pair.confidence),
                    format.number(pair.lift, 1),
                    <InlineStack gap="100" key="actions" wrap={false}>
                      {status !== "APPROVED" && status !== "MANUAL" && decide(pair.id, "APPROVED", t("pairs.approve"))}
                      {status !== "REJECTED" && decide(pair.id, "REJECTED", t("pairs.reject"), "critical")}
                      {status !== "SUGGESTED" && decide(pair.id, "SUGGESTED", t("pairs.undo"))}
                    </InlineStack>,
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <ManualPairCard />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** A pair the merchant adds by hand: two products and the Add button. */
function ManualPairCard() {
  const { products } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = useT();
  const error = useFieldError(result?.errors);
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="manual" />
        <SectionStack title={t("pairs.add")}>
          {result?.added && <Banner tone="success">{t("common.saved")}</Banner>}
          <FormLayout>
            <FormLayout.Group>
              <SelectInput
                label={t("pairs.first")}
                name="productId"
                initial={products[0]?.id}
                options={products.map((product) => ({ label: product.label, value: product.id }))}
                error={error("productId")}
              />
              <SelectInput
                label={t("pairs.second")}
                name="relatedProductId"
                initial={products[0]?.id}
                options={products.map((product) => ({ label: product.label, value: product.id }))}
                error={error("relatedProductId")}
              />
            </FormLayout.Group>
          </FormLayout>
          <InlineStack>
            <Button submit loading={busy}>
              {t("common.add")}
            </Button>
          </InlineStack>
        </SectionStack>
      </Form>
    </Card>
  );
}
