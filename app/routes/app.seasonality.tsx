import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, FormLayout, InlineGrid, InlineStack, Layout, Page, Select, Text } from "@shopify/polaris";
import { Chart, ProductList, SaveOutcome, SectionCard, SelectInput, TextInput, useFieldError } from "../components/admin";
import { SaveBarForm } from "../components/save-bar";
import { useFormat, useT } from "../i18n/use-t";
import { topCustomers } from "../models/admin/dashboard.server";
import { formObject, requireAdminShop, type FieldErrors } from "../models/admin/forms.server";
import { TARGET_TYPES } from "../models/admin/constants";
import {
  deletePromotion,
  listCurveTargets,
  listPromotions,
  resetCurve,
  saveCurve,
  savePromotion,
} from "../models/admin/merchandising.server";
import { getRecommendations } from "../models/recommendations/index.server";

const MONTHS = Array.from({ length: 12 }, (_, month) => month);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, db } = await requireAdminShop(request);
  const url = new URL(request.url);
  const [curves, promotions, customers] = await Promise.all([
    listCurveTargets(db, shop.id),
    listPromotions(db, shop.id),
    topCustomers(db, shop.id),
  ]);
  const first = curves[0];
  return {
    curves,
    selectedCurve: url.searchParams.get("curve") ?? (first ? `${first.targetType}:${first.targetValue}` : null),
    promotions: promotions.map(({ id, name, targetType, targetValue, weight, startsAt, endsAt }) => ({
      id,
      name,
      targetType,
      targetValue,
      weight,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
    })),
    customers,
    previewCustomer: url.searchParams.get("customer") ?? customers[0]?.id ?? "",
  };
};

type ActionResult = { errors?: FieldErrors; form?: string; saved?: boolean; before?: Shown[]; after?: Shown[] };
type Shown = { productId: string; title: string; reason: string };

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { shop, db } = await requireAdminShop(request);
  const values = formObject(await request.formData());
  const customerId = typeof values.previewCustomer === "string" && values.previewCustomer ? values.previewCustomer : null;
  const preview = async () =>
    customerId
      ? (await getRecommendations(db, { shopId: shop.id, placement: "FOR_YOU", customerId, limit: 8 })).map(
          ({ productId, title, reason }) => ({ productId, title, reason }),
        )
      : [];
  const before = await preview();
  let result: { errors: FieldErrors } | { data: unknown } | null = null;
  switch (values.intent) {
    case "promotion":
      result = await savePromotion(db, shop.id, values);
      break;
    case "delete-promotion":
      await deletePromotion(db, shop.id, String(values.id));
      break;
    case "curve":
      result = await saveCurve(db, shop.id, { ...values, months: MONTHS.map((month) => values[`month${month}`]) });
      break;
    case "reset-curve":
      await resetCurve(db, shop.id, String(values.targetType), String(values.targetValue));
      break;
  }
  if (result && "errors" in result) return { errors: result.errors, form: String(values.intent) + (values.id ? `:${values.id}` : "") };
  return { saved: true, before, after: await preview() };
};

type SeasonalityData = ReturnType<typeof useLoaderData<typeof loader>>;
type Curve = SeasonalityData["curves"][number];
type ErrorsFor = (form: string) => FieldErrors | undefined;

const monthName = (month: number) => new Date(Date.UTC(2026, month, 15)).toLocaleString(undefined, { month: "short" });

/** The products of the preview after the save that are new to the list or stand higher than before it. */
function movedUp(result: ActionResult | undefined) {
  return new Set(
    (result?.after ?? [])
      .filter((item, index) => {
        const was = result?.before?.findIndex((old) => old.productId === item.productId) ?? -1;
        return was === -1 || was > index;
      })
      .map((item) => item.productId),
  );
}

/** Sets one search parameter in place (no new history entry), keeping the others. */
function useReplaceParam() {
  const [params, setParams] = useSearchParams();
  return (name: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(name, value);
    setParams(next, { replace: true });
  };
}

/**
 * The last save's answer, and what every form of the page posts with it: the customer whose
 * recommendations the preview shows before and after the save.
 */
function useSeasonalityForm(previewCustomer: string) {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errorsFor: ErrorsFor = (form) => (result?.form === form ? result.errors : undefined);
  const previewField = <input type="hidden" name="previewCustomer" value={previewCustomer} />;
  return { result, busy, errorsFor, previewField };
}

export default function Seasonality() {
  const { curves, selectedCurve, promotions, customers, previewCustomer } = useLoaderData<typeof loader>();
  const { result, busy, errorsFor, previewField } = useSeasonalityForm(previewCustomer);
  const t = useT();
  return (
    <Page title={t("seasonality.title")}>
      <Layout>
        <SaveOutcome result={result?.errors ? result : undefined} />
        <PromotionsSection promotions={promotions} errorsFor={errorsFor} previewField={previewField} busy={busy} />
        <PreviewSection customers={customers} previewCustomer={previewCustomer} result={result} />
        <CurvesSection curves={curves} selectedCurve={selectedCurve} errorsFor={errorsFor} previewField={previewField} />
      </Layout>
    </Page>
  );
}

/** The promotions with their strength and a Delete each, and the form for a new one. */
function PromotionsSection({
  promotions,
  errorsFor,
  previewField,
  busy,
}: {
  promotions: SeasonalityData["promotions"];
  errorsFor: ErrorsFor;
  previewField: JSX.Element;
  busy: boolean;
}) {
  const t = useT();
  const format = useFormat();
  return (
    <Layout.Section>
      <SectionCard title={t("seasonality.promotions")}>
        {promotions.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("seasonality.promotions_empty")}
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text"]}
            headings={[t("seasonality.name"), t("target.type"), t("seasonality.weight"), t("seasonality.ends"), ""]}
            rows={promotions.map((promotion) => [
              promotion.name,
              `${t(`target.${promotion.targetType}`)}: ${promotion.targetValue}`,
              <WeightForm
                key={promotion.id}
                promotion={promotion}
                errors={errorsFor(`promotion:${promotion.id}`)}
                previewField={previewField}
              />,
              `${format.day(promotion.startsAt)} – ${format.day(promotion.endsAt)}`,
              <Form key="delete" method="post">
                <input type="hidden" name="intent" value="delete-promotion" />
                <input type="hidden" name="id" value={promotion.id} />
                {previewField}
                <Button submit variant="plain" tone="critical" accessibilityLabel={`${t("common.delete")} ${promotion.name}`}>
                  {t("common.delete")}
                </Button>
              </Form>,
            ])}
          />
        )}
        <NewPromotion key={promotions.length} errors={errorsFor("promotion")} previewField={previewField} busy={busy} />
      </SectionCard>
    </Layout.Section>
  );
}

/** The customer to preview, and their recommendations before and after the last save (what moved up is marked). */
function PreviewSection({
  customers,
  previewCustomer,
  result,
}: {
  customers: SeasonalityData["customers"];
  previewCustomer: string;
  result?: ActionResult;
}) {
  const t = useT();
  const replaceParam = useReplaceParam();
  return (
    <Layout.Section variant="oneThird">
      <Card>
        <BlockStack gap="300">
          <Select
            label={t("seasonality.preview")}
            options={customers.map((customer) => ({ label: customer.label, value: customer.id }))}
            value={previewCustomer}
            onChange={(value) => replaceParam("customer", value)}
          />
          {result?.after ? (
            <InlineGrid columns={2} gap="300">
              <BlockStack gap="200" id="preview-before">
                <Text as="h3" variant="headingSm">
                  {t("seasonality.before")}
                </Text>
                <ProductList products={result.before ?? []} empty={t("preview.empty")} />
              </BlockStack>
              <BlockStack gap="200" id="preview-after">
                <Text as="h3" variant="headingSm">
                  {t("seasonality.after")}
                </Text>
                <ProductList products={result.after} highlight={movedUp(result)} empty={t("preview.empty")} />
              </BlockStack>
            </InlineGrid>
          ) : (
            <Text as="p" tone="subdued">
              {t("seasonality.preview_help")}
            </Text>
          )}
        </BlockStack>
      </Card>
    </Layout.Section>
  );
}

/** The seasonality curves: pick a target, see its learned and own curve, and edit or reset its own. */
function CurvesSection({
  curves,
  selectedCurve,
  errorsFor,
  previewField,
}: {
  curves: Curve[];
  selectedCurve: string | null;
  errorsFor: ErrorsFor;
  previewField: JSX.Element;
}) {
  const t = useT();
  const replaceParam = useReplaceParam();
  const curve = curves.find((entry) => `${entry.targetType}:${entry.targetValue}` === selectedCurve);
  return (
    <Layout.Section>
      <SectionCard title={t("seasonality.curves")} help={t("seasonality.curves_help")}>
        {curves.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("seasonality.no_curves")}
          </Text>
        ) : (
          <>
            <Select
              label={t("target.type")}
              options={curves.map((entry) => ({
                label: `${t(`target.${entry.targetType}`)}: ${entry.targetValue}${entry.yours ? ` (${t("seasonality.yours")})` : ""}`,
                value: `${entry.targetType}:${entry.targetValue}`,
              }))}
              value={selectedCurve ?? ""}
              onChange={(value) => replaceParam("curve", value)}
            />
            {curve && <CurveEditor curve={curve} selectedCurve={selectedCurve} errors={errorsFor("curve")} previewField={previewField} />}
          </>
        )}
      </SectionCard>
    </Layout.Section>
  );
}

/** One target's curves charted by month, its twelve factors to edit (from its own curve, else the learned one), and Reset while it has its own. */
function CurveEditor({
  curve,
  selectedCurve,
  errors,
  previewField,
}: {
  curve: Curve;
  selectedCurve: string | null;
  errors?: FieldErrors;
  previewField: JSX.Element;
}) {
  const t = useT();
  return (
    <>
      <Chart
        kind="bar"
        label={t("seasonality.curves")}
        series={[
          ...(curve.learned
            ? [{ name: t("seasonality.learned"), data: MONTHS.map((month) => ({ key: monthName(month), value: curve.learned![month] })) }]
            : []),
          ...(curve.yours
            ? [{ name: t("seasonality.yours"), data: MONTHS.map((month) => ({ key: monthName(month), value: curve.yours![month] })) }]
            : []),
        ]}
      />
      <SaveBarForm id="curve-save-bar" intent="curve" resetKey={`${selectedCurve}:${JSON.stringify(curve.yours)}`}>
        <input type="hidden" name="targetType" value={curve.targetType} />
        <input type="hidden" name="targetValue" value={curve.targetValue} />
        {previewField}
        <BlockStack gap="300">
          <InlineGrid columns={{ xs: 3, md: 6 }} gap="200">
            {MONTHS.map((month) => (
              <TextInput
                key={month}
                label={monthName(month)}
                name={`month${month}`}
                type="number"
                step={0.05}
                initial={(curve.yours ?? curve.learned ?? [])[month]?.toFixed(2) ?? "1"}
                error={errors?.[`months.${month}`] ? t(errors[`months.${month}`]) : undefined}
              />
            ))}
          </InlineGrid>
        </BlockStack>
      </SaveBarForm>
      {curve.yours && (
        <Form method="post">
          <input type="hidden" name="intent" value="reset-curve" />
          <input type="hidden" name="targetType" value={curve.targetType} />
          <input type="hidden" name="targetValue" value={curve.targetValue} />
          {previewField}
          <Button submit>{t("seasonality.reset")}</Button>
        </Form>
      )}
    </>
  );
}

function WeightForm({
  promotion,
  errors,
  previewField,
}: {
  promotion: { id: string; name: string; targetType: string; targetValue: string; weight: number; startsAt: string; endsAt: string };
  errors?: FieldErrors;
  previewField: JSX.Element;
}) {
  const t = useT();
  const error = useFieldError(errors);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="promotion" />
      {(["id", "name", "targetType", "targetValue"] as const).map((name) => (
        <input key={name} type="hidden" name={name} value={promotion[name]} />
      ))}
      <input type="hidden" name="startsAt" value={promotion.startsAt} />
      <input type="hidden" name="endsAt" value={promotion.endsAt} />
      {previewField}
      <InlineStack gap="100" blockAlign="start">
        <div style={{ width: 120 }}>
          <TextInput
            label={`${t("seasonality.weight")}: ${promotion.name}`}
            labelHidden
            name="weight"
            type="number"
            step={0.1}
            initial={String(promotion.weight)}
            error={error("weight")}
          />
        </div>
        <Button submit size="slim">
          {t("common.save")}
        </Button>
      </InlineStack>
    </Form>
  );
}

function NewPromotion({ errors, previewField, busy }: { errors?: FieldErrors; previewField: JSX.Element; busy: boolean }) {
  const t = useT();
  const error = useFieldError(errors);
  const today = new Date().toISOString().slice(0, 10);
  const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="promotion" />
      {previewField}
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {t("seasonality.new_promotion")}
        </Text>
        <FormLayout>
          <FormLayout.Group>
            <TextInput label={t("seasonality.name")} name="name" error={error("name")} />
            <SelectInput
              label={t("target.type")}
              name="targetType"
              options={TARGET_TYPES.map((type) => ({ label: t(`target.${type}`), value: type }))}
              initial="COLLECTION"
              error={error("targetType")}
            />
            <TextInput label={t("target.value")} name="targetValue" helpText={t("target.value_help")} error={error("targetValue")} />
          </FormLayout.Group>
          <FormLayout.Group>
            <TextInput
              label={t("seasonality.weight")}
              name="weight"
              type="number"
              step={0.1}
              initial="1.5"
              helpText={t("seasonality.weight_help")}
              error={error("weight")}
            />
            <TextInput label={t("seasonality.starts")} name="startsAt" type="date" initial={today} error={error("startsAt")} />
            <TextInput label={t("seasonality.ends")} name="endsAt" type="date" initial={inAMonth} error={error("endsAt")} />
          </FormLayout.Group>
        </FormLayout>
        <InlineStack>
          <Button submit variant="primary" loading={busy}>
            {t("common.add")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}
