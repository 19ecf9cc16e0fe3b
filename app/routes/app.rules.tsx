import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button, Card, DataTable, FormLayout, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { CheckboxInput, SaveOutcome, SectionCard, SectionStack, SelectInput, TextInput, useFieldError } from "../components/admin";
import { SaveBarForm } from "../components/save-bar";
import { useT } from "../i18n/use-t";
import { RULE_KINDS, RULE_PLACEMENTS, TARGET_TYPES } from "../models/admin/constants";
import { formObject, requireAdminShop, type FieldErrors } from "../models/admin/forms.server";
import { addRule, deleteRule, listRules, saveFilters } from "../models/admin/merchandising.server";
import { getSettings } from "../models/admin/settings.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, db } = await requireAdminShop(request);
  const [settings, rules] = await Promise.all([getSettings(db, shop.id), listRules(db, shop.id)]);
  return { settings, rules: rules.map((rule) => ({ ...rule, createdAt: rule.createdAt.toISOString(), startsAt: null, endsAt: null })) };
};

export const action = async ({ request }: ActionFunctionArgs): Promise<{ form: string; errors?: FieldErrors; saved?: boolean }> => {
  const { shop, db } = await requireAdminShop(request);
  const values = formObject(await request.formData());
  const form = String(values.intent);
  const result =
    form === "filters"
      ? await saveFilters(db, shop.id, values)
      : form === "rule"
        ? await addRule(db, shop.id, values)
        : (await deleteRule(db, shop.id, String(values.id)), { data: true });
  return "errors" in result ? { form, errors: result.errors } : { form, saved: true };
};

type RulesData = ReturnType<typeof useLoaderData<typeof loader>>;
type RulesAnswer = ReturnType<typeof useActionData<typeof action>>;

export default function Rules() {
  const { settings, rules } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <Page title={t("rules.title")}>
      <Layout>
        <SaveOutcome result={result} />
        <FiltersSection settings={settings} result={result} />
        <MerchandisingSection rules={rules} result={result} />
      </Layout>
    </Page>
  );
}

/** The filters every recommendation passes (stock, past purchases, variety, price band), saved from the save bar. */
function FiltersSection({ settings, result }: { settings: RulesData["settings"]; result: RulesAnswer }) {
  const t = useT();
  const filterError = useFieldError(result?.form === "filters" ? result.errors : undefined);
  return (
    <Layout.Section>
      <Card>
        <SaveBarForm id="filters-save-bar" intent="filters" resetKey={JSON.stringify(settings)}>
          <SectionStack title={t("rules.filters")}>
            <FormLayout>
              <CheckboxInput label={t("rules.in_stock_only")} name="inStockOnly" initial={settings.inStockOnly} />
              <CheckboxInput label={t("rules.hide_purchased")} name="hidePurchased" initial={settings.hidePurchased} />
              <TextInput
                label={t("rules.max_per_type")}
                name="maxPerProductType"
                type="number"
                initial={settings.maxPerProductType?.toString() ?? ""}
                error={filterError("maxPerProductType")}
              />
              <FormLayout.Group title={t("rules.price_band")}>
                <TextInput
                  label={t("rules.price_min")}
                  name="priceBandMin"
                  type="number"
                  step={0.05}
                  initial={settings.priceBandMin?.toString() ?? ""}
                  error={filterError("priceBandMin")}
                />
                <TextInput
                  label={t("rules.price_max")}
                  name="priceBandMax"
                  type="number"
                  step={0.05}
                  initial={settings.priceBandMax?.toString() ?? ""}
                  error={filterError("priceBandMax")}
                />
              </FormLayout.Group>
            </FormLayout>
          </SectionStack>
        </SaveBarForm>
      </Card>
    </Layout.Section>
  );
}

/** The merchandising rules (pin, exclude, boost, bury) with a Delete each, and the form for a new one. */
function MerchandisingSection({ rules, result }: { rules: RulesData["rules"]; result: RulesAnswer }) {
  const t = useT();
  return (
    <Layout.Section>
      <SectionCard title={t("rules.merchandising")}>
        {rules.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("rules.merchandising_empty")}
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "numeric", ""] as never}
            headings={[t("rules.kind"), t("target.type"), t("rules.placement"), "", ""]}
            rows={rules.map((rule) => [
              t(`rules.kind.${rule.kind}`),
              `${t(`target.${rule.targetType}`)}: ${rule.targetValue}`,
              rule.placement ? t(`placement.${rule.placement}`) : t("common.all_placements"),
              rule.kind === "PIN" ? `#${rule.position}` : rule.weight ? `×${rule.weight}` : "",
              <Form key={rule.id} method="post">
                <input type="hidden" name="intent" value="delete" />
                <input type="hidden" name="id" value={rule.id} />
                <Button submit variant="plain" tone="critical">
                  {t("common.delete")}
                </Button>
              </Form>,
            ])}
          />
        )}
        <NewRuleForm result={result} />
      </SectionCard>
    </Layout.Section>
  );
}

function NewRuleForm({ result }: { result: RulesAnswer }) {
  const busy = useNavigation().state === "submitting";
  const t = useT();
  const ruleError = useFieldError(result?.form === "rule" ? result.errors : undefined);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="rule" />
      <FormLayout>
        <FormLayout.Group>
          <SelectInput
            label={t("rules.kind")}
            name="kind"
            initial="PIN"
            options={RULE_KINDS.map((kind) => ({ label: t(`rules.kind.${kind}`), value: kind }))}
            error={ruleError("kind")}
          />
          <SelectInput
            label={t("rules.placement")}
            name="placement"
            initial="ALL"
            options={[
              { label: t("common.all_placements"), value: "ALL" },
              ...RULE_PLACEMENTS.map((placement) => ({ label: t(`placement.${placement}`), value: placement })),
            ]}
            error={ruleError("placement")}
          />
        </FormLayout.Group>
        <FormLayout.Group>
          <SelectInput
            label={t("target.type")}
            name="targetType"
            initial="PRODUCT"
            options={TARGET_TYPES.map((type) => ({ label: t(`target.${type}`), value: type }))}
            error={ruleError("targetType")}
          />
          <TextInput label={t("target.value")} name="targetValue" helpText={t("target.value_help")} error={ruleError("targetValue")} />
        </FormLayout.Group>
        <FormLayout.Group>
          <TextInput label={t("rules.position")} name="position" type="number" error={ruleError("position")} />
          <TextInput label={t("rules.strength")} name="weight" type="number" step={0.1} error={ruleError("weight")} />
        </FormLayout.Group>
        <InlineStack>
          <Button submit loading={busy}>
            {t("common.add")}
          </Button>
        </InlineStack>
      </FormLayout>
    </Form>
  );
}
