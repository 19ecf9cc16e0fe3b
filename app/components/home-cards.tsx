import { useEffect, useState } from "react";
import { Form, useNavigation, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, InlineStack, Link, Text } from "@shopify/polaris";
import { useFormat, useT } from "../i18n/use-t";
import { SectionCard } from "./admin";
import { blocksReport, placementsFromAppBridge, type ExtensionActivations, type ThemeBlocksReport } from "../models/admin/theme-blocks";

export interface FailedDelivery {
  id: string;
  topic: string;
  receivedAt: string;
  attempts: number;
  pending: boolean;
  /** not_json, unexpected_payload, waiting_for_data or storing_failed (app/models/webhooks.server.ts). */
  reason: string;
  detail: string;
}

/** A post to the home page's action with an intent (and the delivery it is about). */
function IntentButton({ intent, id, label, primary }: { intent: string; id?: string; label: string; primary?: boolean }) {
  const navigation = useNavigation();
  const busy =
    navigation.state === "submitting" &&
    navigation.formData?.get("intent") === intent &&
    (id === undefined || navigation.formData?.get("id") === id);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      {id && <input type="hidden" name="id" value={id} />}
      <Button submit size="slim" variant={primary ? "primary" : undefined} loading={busy}>
        {label}
      </Button>
    </Form>
  );
}

/** While a retried delivery waits for the queue, the list is read again every few seconds (a minute at most). */
function useRefreshWhilePending(pending: number) {
  const { revalidate, state } = useRevalidator();
  const [rounds, setRounds] = useState(0);
  useEffect(() => setRounds(0), [pending]);
  useEffect(() => {
    if (!pending || rounds >= 30 || state !== "idle") return;
    const timer = setTimeout(() => {
      setRounds((count) => count + 1);
      revalidate();
    }, 2_000);
    return () => clearTimeout(timer);
  }, [pending, rounds, state, revalidate]);
}

/** Deliveries Shopify sent that could not be stored: what, when, why, and Retry / Dismiss. */
export function FailedWebhooksCard({
  deliveries,
  outcome,
}: {
  deliveries: FailedDelivery[];
  outcome?: { retried?: number; dismissed?: number };
}) {
  const t = useT();
  const format = useFormat();
  useRefreshWhilePending(deliveries.filter((delivery) => delivery.pending).length);
  if (!deliveries.length && !outcome) return null;
  return (
    <SectionCard
      title={t("home.failed.title")}
      action={deliveries.length > 1 && <IntentButton intent="retry-all-webhooks" label={t("home.failed.retry_all")} />}
    >
      {outcome?.retried === 0 && <Banner tone="info">{t("home.failed.nothing")}</Banner>}
      {!!outcome?.retried && <Banner tone="success">{t("home.failed.retried", { count: outcome.retried })}</Banner>}
      {outcome?.dismissed !== undefined && <Banner tone="success">{t("home.failed.dismissed", { count: outcome.dismissed })}</Banner>}
      {deliveries.length > 0 && (
        <Text as="p" tone="subdued">
          {t("home.failed.help")}
        </Text>
      )}
      <BlockStack gap="300" as="ul">
        {deliveries.map((delivery) => (
          <li key={delivery.id} data-delivery-id={delivery.id} style={{ listStyle: "none" }}>
            <InlineStack align="space-between" blockAlign="start" gap="300" wrap={false}>
              <BlockStack gap="100">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="span" fontWeight="semibold">
                    {t("home.failed.received", { topic: delivery.topic, when: format.date(delivery.receivedAt) })}
                  </Text>
                  {delivery.pending && <Badge tone="info">{t("home.failed.pending")}</Badge>}
                  {delivery.attempts > 1 && (
                    <Text as="span" tone="subdued" variant="bodySm">
                      {t("home.failed.attempts", { count: delivery.attempts })}
                    </Text>
                  )}
                </InlineStack>
                <Text as="p">{t(`home.failed.reason.${delivery.reason}`)}</Text>
                <Text as="p" tone="subdued" variant="bodySm" breakWord>
                  {delivery.detail}
                </Text>
              </BlockStack>
              <InlineStack gap="200" wrap={false}>
                <IntentButton intent="retry-webhook" id={delivery.id} label={t("home.failed.retry")} primary />
                <IntentButton intent="dismiss-webhook" id={delivery.id} label={t("home.failed.dismiss")} />
              </InlineStack>
            </InlineStack>
          </li>
        ))}
      </BlockStack>
    </SectionCard>
  );
}

/**
 * Where embedded, App Bridge knows the published theme's app blocks without a round trip to the
 * Admin API: its answer replaces the server's once it arrives.
 */
function useAppBridgeBlocks(report: ThemeBlocksReport, embedded: boolean, context: { shopDomain: string; apiKey: string }) {
  const [live, setLive] = useState<ThemeBlocksReport | null>(null);
  useEffect(() => {
    // The global App Bridge sets up; useAppBridge() would throw in demo mode, where there is none.
    const app = embedded
      ? (window as unknown as { shopify?: { app?: { extensions?: () => Promise<unknown[]> } } }).shopify?.app
      : undefined;
    if (typeof app?.extensions !== "function") return;
    let cancelled = false;
    app
      .extensions()
      .then((extensions) => {
        if (!cancelled)
          setLive(
            blocksReport(placementsFromAppBridge(extensions as unknown as ExtensionActivations[]), {
              ...context,
              source: "app-bridge",
              themeName: report.themeName,
            }),
          );
      })
      // Older admins lack the method: the server's reading stands.
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [embedded, context.shopDomain, context.apiKey, report.themeName]);
  return live ?? report;
}

/** Which of the app's blocks are live on which template, with a link into the theme editor for each missing one. */
export function ThemeBlocksCard({
  report: fromServer,
  embedded,
  shopDomain,
  apiKey,
}: {
  report: ThemeBlocksReport;
  embedded: boolean;
  shopDomain: string;
  apiKey: string;
}) {
  const t = useT();
  const report = useAppBridgeBlocks(fromServer, embedded, { shopDomain, apiKey });
  const templates = (names: string[]) => names.join(", ");
  const source =
    report.source === "demo"
      ? t("home.blocks.demo")
      : report.source === "app-bridge"
        ? t("home.blocks.app_bridge")
        : report.themeName
          ? t("home.blocks.theme", { name: report.themeName })
          : "";
  return (
    <SectionCard title={t("home.blocks.title")} help={source}>
      {report.problem && <Banner tone="warning">{t(`home.blocks.problem.${report.problem}`)}</Banner>}
      {!report.problem && report.blocks.every((block) => !block.live.length) && (
        <Banner tone="warning">{t("home.blocks.none_live")}</Banner>
      )}
      <BlockStack gap="200" as="ul">
        {report.blocks.map((block) => (
          <li key={block.handle} data-block={block.handle} style={{ listStyle: "none" }}>
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" fontWeight="semibold">
                {t(`placement.${block.placement}`)}
              </Text>
              {block.live.length ? (
                <Badge tone="success">{t("home.blocks.live", { templates: templates(block.live) })}</Badge>
              ) : (
                <Badge>{t("home.blocks.missing")}</Badge>
              )}
              {block.disabled.length > 0 && (
                <Badge tone="attention">{t("home.blocks.disabled", { templates: templates(block.disabled) })}</Badge>
              )}
              {!block.live.length && report.source !== "demo" && (
                <Link url={block.addLink} target="_blank">
                  {t("home.blocks.add", { template: block.template })}
                </Link>
              )}
            </InlineStack>
          </li>
        ))}
      </BlockStack>
    </SectionCard>
  );
}
