import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, Button, Card, DataTable, FormLayout, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { SaveOutcome, SectionCard, SectionStack, SelectInput, TextInput, useFieldError } from "../components/admin";
import { SaveBarForm } from "../components/save-bar";
import { useFormat, useT } from "../i18n/use-t";
import { formObject, requireAdminShop, type FieldErrors } from "../models/admin/forms.server";
import { createKeyFromForm, getSettings, listPrivacyRequests, saveSettings } from "../models/admin/settings.server";
import { listApiKeys, revokeApiKey } from "../models/api-keys.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, db } = await requireAdminShop(request);
  const [settings, keys, privacy] = await Promise.all([
    getSettings(db, shop.id),
    listApiKeys(db, shop.id),
    listPrivacyRequests(db, shop.domain),
  ]);
  return {
    settings: { ...settings, updatedAt: undefined },
    keys: keys.map((key) => ({
      ...key,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
    })),
    privacy: privacy.map((entry) => ({
      id: entry.id,
      kind: entry.kind,
      customer: entry.customerExternalId,
      receivedAt: entry.receivedAt.toISOString(),
      completedAt: entry.completedAt?.toISOString() ?? null,
    })),
  };
};

export const action = async ({
  request,
}: ActionFunctionArgs): Promise<{ form: string; errors?: FieldErrors; saved?: boolean; key?: string }> => {
  const { shop, db } = await requireAdminShop(request);
  const values = formObject(await request.formData());
  const form = String(values.intent);
  if (form === "settings") {
    const result = await saveSettings(db, shop.id, values);
    return "errors" in result ? { form, errors: result.errors } : { form, saved: true };
  }
  if (form === "create-key") {
    const result = await createKeyFromForm(db, shop.id, {
      name: String(values.name ?? ""),
      kind: String(values.kind ?? ""),
      origins: String(values.origins ?? ""),
    });
    return "errors" in result ? { form, errors: result.errors } : { form, key: result.key };
  }
  await revokeApiKey(db, shop.id, String(values.id));
  return { form };
};

type SettingsData = ReturnType<typeof useLoaderData<typeof loader>>;
type SettingsAnswer = ReturnType<typeof useActionData<typeof action>>;

export default function Settings() {
  const { settings, keys, privacy } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <Page title={t("settings.title")}>
      <Layout>
        <SaveOutcome result={result} />
        <TrainingSection settings={settings} result={result} />
        <ApiKeysSection keys={keys} result={result} />
        <PrivacySection privacy={privacy} />
      </Layout>
    </Page>
  );
}

/** Training schedule and history, and measurement (holdout, attribution window), saved from the save bar. */
function TrainingSection({ settings, result }: { settings: SettingsData["settings"]; result: SettingsAnswer }) {
  const t = useT();
  const settingsError = useFieldError(result?.form === "settings" ? result.errors : undefined);
  return (
    <Layout.Section>
      <Card>
        <SaveBarForm id="settings-save-bar" intent="settings" resetKey={JSON.stringify(settings)}>
          <SectionStack title={t("settings.training")}>
            <FormLayout>
              <TextInput
                label={t("settings.schedule")}
                name="trainingSchedule"
                initial={settings.trainingSchedule}
                helpText={t("settings.schedule_help")}
                error={settingsError("trainingSchedule")}
              />
              <FormLayout.Group>
                <TextInput
                  label={t("settings.history")}
                  name="historyMonths"
                  type="number"
                  initial={String(settings.historyMonths)}
                  error={settingsError("historyMonths")}
                />
                <TextInput
                  label={t("settings.retrain_after")}
                  name="retrainAfterOrders"
                  type="number"
                  initial={String(settings.retrainAfterOrders)}
                  error={settingsError("retrainAfterOrders")}
                />
              </FormLayout.Group>
            </FormLayout>
            <Text as="h2" variant="headingMd">
              {t("settings.measurement")}
            </Text>
            <FormLayout>
              <FormLayout.Group>
                <TextInput
                  label={t("settings.holdout")}
                  name="holdoutShare"
                  type="number"
                  step={0.01}
                  initial={String(settings.holdoutShare)}
                  error={settingsError("holdoutShare")}
                />
                <TextInput
                  label={t("settings.attribution_days")}
                  name="attributionDays"
                  type="number"
                  initial={String(Math.round(settings.attributionWindowMinutes / 1440))}
                  error={settingsError("attributionDays")}
                />
              </FormLayout.Group>
            </FormLayout>
          </SectionStack>
        </SaveBarForm>
      </Card>
    </Layout.Section>
  );
}

/** The store's API keys with Revoke, the key just created (shown once), and the form for a new one. */
function ApiKeysSection({ keys, result }: { keys: SettingsData["keys"]; result: SettingsAnswer }) {
  const t = useT();
  const format = useFormat();
  return (
    <Layout.Section>
      <SectionCard title={t("settings.api_keys")} help={t("settings.api_keys_help")}>
        {result?.key && (
          <Banner tone="success">
            <Text as="p" breakWord>
              {t("settings.new_key", { key: result.key })}
            </Text>
          </Banner>
        )}
        {keys.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("settings.no_keys")}
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text", "text"]}
            headings={[t("settings.key_name"), t("settings.key_kind"), "", t("settings.key_origins"), t("settings.last_used"), ""]}
            rows={keys.map((key) => [
              key.name,
              t(`settings.kind.${key.kind}`),
              `${key.prefix}…`,
              key.allowedOrigins.join(", "),
              key.lastUsedAt ? format.date(key.lastUsedAt) : t("settings.never"),
              key.revokedAt ? (
                <Badge key="revoked">{t("settings.revoked")}</Badge>
              ) : (
                <Form key="revoke" method="post">
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="id" value={key.id} />
                  <Button submit variant="plain" tone="critical">
                    {t("settings.revoke")}
                  </Button>
                </Form>
              ),
            ])}
          />
        )}
        <NewKeyForm result={result} />
      </SectionCard>
    </Layout.Section>
  );
}

function NewKeyForm({ result }: { result: SettingsAnswer }) {
  const busy = useNavigation().state === "submitting";
  const t = useT();
  const keyError = useFieldError(result?.form === "create-key" ? result.errors : undefined);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="create-key" />
      <FormLayout>
        <FormLayout.Group>
          <TextInput label={t("settings.key_name")} name="name" error={keyError("name")} />
          <SelectInput
            label={t("settings.key_kind")}
            name="kind"
            initial="publishable"
            helpText={t("settings.key_kind_help")}
            options={[
              { label: t("settings.kind.PUBLISHABLE"), value: "publishable" },
              { label: t("settings.kind.SECRET"), value: "secret" },
            ]}
          />
          <TextInput label={t("settings.key_origins")} name="origins" multiline={2} error={keyError("origins")} />
        </FormLayout.Group>
        <InlineStack>
          <Button submit loading={busy}>
            {t("settings.create_key")}
          </Button>
        </InlineStack>
      </FormLayout>
    </Form>
  );
}

/** The store's privacy requests from Shopify (a customer's data, a customer's or the shop's redaction) and whether each is done. */
function PrivacySection({ privacy }: { privacy: SettingsData["privacy"] }) {
  const t = useT();
  const format = useFormat();
  return (
    <Layout.Section>
      <SectionCard title={t("settings.privacy")}>
        {privacy.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("settings.privacy_empty")}
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text"]}
            headings={["", t("common.customer"), t("home.queued_at"), t("home.status")]}
            rows={privacy.map((entry) => [
              t(`settings.privacy_kind.${entry.kind}`),
              entry.customer ?? "",
              format.date(entry.receivedAt),
              entry.completedAt ? t("settings.privacy_done", { when: format.date(entry.completedAt) }) : t("settings.privacy_pending"),
            ])}
          />
        )}
      </SectionCard>
    </Layout.Section>
  );
}
