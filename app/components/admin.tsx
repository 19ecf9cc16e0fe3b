import { createElement, lazy, Suspense, useEffect, useRef, useState, type ReactNode } from "react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  Checkbox,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
  type BlockStackProps,
  type CheckboxProps,
  type TextFieldProps,
} from "@shopify/polaris";
import { useSearchParams } from "@remix-run/react";
import type { MessageKey } from "../i18n/admin";
import { useT } from "../i18n/use-t";
import type { Series } from "./charts.client";

const LazyChart = lazy(() => import("./charts.client"));

/**
 * A chart once the page runs in the browser and its box has a size (Polaris Viz draws negative
 * heights into a box it measured at zero); a box of the same height before, so nothing shifts.
 */
export function Chart(props: { kind: "line" | "bar"; series: Series[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setReady(entry.contentRect.width > 0 && entry.contentRect.height > 0));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} style={{ height: 240 }}>
      {ready && (
        <Suspense fallback={null}>
          <LazyChart {...props} />
        </Suspense>
      )}
    </div>
  );
}

interface SectionProps {
  title: string;
  /** A subdued line under the title; nothing when empty. */
  help?: ReactNode;
  /**
   * What sits at the end of the title's row (a button): given, even as null, the title shares an
   * InlineStack with it; left out, the title stands alone.
   */
  action?: ReactNode;
  gap?: BlockStackProps["gap"];
  children?: ReactNode;
}

/**
 * An admin section's stack: its title, its help line, then its content. The content goes into
 * the stack as its own children, one slot each (and the help line takes a slot only when given),
 * so React numbers the fields' ids as it would for the stack written out by hand.
 */
export function SectionStack({ title, help, action, gap = "300", children }: SectionProps) {
  const heading = (
    <Text as="h2" variant="headingMd">
      {title}
    </Text>
  );
  const top =
    action === undefined ? (
      heading
    ) : (
      <InlineStack align="space-between" blockAlign="center">
        {heading}
        {action}
      </InlineStack>
    );
  const helpLine = help && (
    <Text as="p" tone="subdued">
      {help}
    </Text>
  );
  const content = children === undefined ? [] : Array.isArray(children) ? children : [children];
  return createElement(BlockStack, { gap }, top, ...(help === undefined ? [] : [helpLine]), ...content);
}

/** A card of the admin's pages: a section's title, help line and content (a form inside a card wraps a SectionStack instead). */
export function SectionCard(props: SectionProps) {
  return (
    <Card>
      <SectionStack {...props} />
    </Card>
  );
}

/** A field's error, translated (Polaris fields take it as their `error`). */
export function useFieldError(errors: Record<string, string> | undefined) {
  const t = useT();
  return (name: string) => (errors?.[name] ? t(errors[name] as MessageKey) : undefined);
}

/** The period select of the home and placements pages (?period=7|30|90). */
export function PeriodPicker({ periods }: { periods: readonly number[] }) {
  const t = useT();
  const [params, setParams] = useSearchParams();
  return (
    <Select
      label={t("common.period")}
      labelInline
      options={periods.map((days) => ({ label: t("common.days", { count: days }), value: String(days) }))}
      value={params.get("period") ?? "30"}
      onChange={(value) => {
        const next = new URLSearchParams(params);
        next.set("period", value);
        setParams(next);
      }}
    />
  );
}

export interface ShownProduct {
  productId: string;
  title: string;
  reason: string;
  tier?: string;
  score?: number;
  signals?: Record<string, unknown>;
}

/** A list of recommended products with their reasons, as a preview shows them. */
export function ProductList({ products, highlight, empty }: { products: ShownProduct[]; highlight?: Set<string>; empty: string }) {
  if (!products.length)
    return (
      <Text as="p" tone="subdued">
        {empty}
      </Text>
    );
  return (
    <BlockStack gap="150" as="ol">
      {products.map((product, index) => (
        <li key={product.productId} style={{ listStyle: "none" }}>
          <InlineStack gap="200" blockAlign="center" wrap={false}>
            <Text as="span" tone="subdued">
              {index + 1}.
            </Text>
            <BlockStack gap="050">
              <InlineStack gap="100">
                <Text as="span" fontWeight="semibold">
                  {product.title}
                </Text>
                {highlight?.has(product.productId) && <Badge tone="info">↑</Badge>}
              </InlineStack>
              <Text as="span" tone="subdued" variant="bodySm">
                {product.reason}
              </Text>
            </BlockStack>
          </InlineStack>
        </li>
      ))}
    </BlockStack>
  );
}

/** A Polaris text field inside a plain form: it keeps its own value and posts it under `name`. */
export function TextInput({
  initial,
  ...props
}: Omit<TextFieldProps, "value" | "onChange" | "autoComplete"> & { initial?: string; name: string }) {
  const [value, setValue] = useState(initial ?? "");
  return <TextField {...props} autoComplete="off" value={value} onChange={setValue} />;
}

/** A Polaris checkbox inside a plain form (posts "on" when ticked, like a native checkbox). */
export function CheckboxInput({
  initial,
  name,
  ...props
}: Omit<CheckboxProps, "checked" | "onChange"> & { initial?: boolean; name: string }) {
  const [checked, setChecked] = useState(initial ?? false);
  return (
    <>
      <Checkbox {...props} checked={checked} onChange={setChecked} />
      {checked && <input type="hidden" name={name} value="on" />}
    </>
  );
}

/** A Polaris select inside a plain form. */
export function SelectInput({
  initial,
  ...props
}: Omit<Parameters<typeof Select>[0], "value" | "onChange"> & { initial?: string; name: string }) {
  const [value, setValue] = useState(initial ?? "");
  return <Select {...props} value={value} onChange={setValue} />;
}

/** What a form's save came to, above the page's cards: fix the fields, or saved. */
export function SaveOutcome({ result }: { result?: { errors?: unknown; saved?: boolean } }) {
  const t = useT();
  if (!result?.errors && !result?.saved) return null;
  return (
    <Layout.Section>
      {result.errors ? <Banner tone="critical">{t("common.fix_errors")}</Banner> : <Banner tone="success">{t("common.saved")}</Banner>}
    </Layout.Section>
  );
}
