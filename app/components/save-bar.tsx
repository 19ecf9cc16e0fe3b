import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { Form, useNavigation, useRouteLoaderData } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import { Box, Button, InlineStack, Text } from "@shopify/polaris";
import { useT } from "../i18n/use-t";

/** What the form holds now, to compare with what it was given. */
const snapshot = (form: HTMLFormElement | null) =>
  form ? new URLSearchParams(new FormData(form) as unknown as Record<string, string>).toString() : "";

/**
 * A settings form whose Save and Discard sit in a contextual save bar while its fields differ
 * from what the page loaded: App Bridge's save bar (`<SaveBar>`, in the Shopify admin's frame)
 * where embedded, and an equivalent bar fixed to the bottom of the page in demo mode, where
 * there is no App Bridge. Errors stay under their fields; the bar stays until the save works.
 *
 * The fields keep their own state (components/admin.tsx), so a native form reset would not reach
 * them: Discard re-creates the fields from their initial values instead. `resetKey` names the
 * loaded values; when a save changes them, the form starts again from the saved ones.
 */
export function SaveBarForm({ id, intent, resetKey, children }: { id: string; intent: string; resetKey: string; children: ReactNode }) {
  const t = useT();
  const embedded = useRouteLoaderData<{ demo: boolean }>("routes/app")?.demo === false;
  const navigation = useNavigation();
  const saving = navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
  const form = useRef<HTMLFormElement>(null);
  const baseline = useRef("");
  const [generation, setGeneration] = useState(0);
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    baseline.current = snapshot(form.current);
    setDirty(false);
  }, [generation, resetKey]);
  // After the event: a checkbox's hidden input is rendered by the change it reports.
  const compare = useCallback(() => setTimeout(() => setDirty(snapshot(form.current) !== baseline.current), 0), []);
  const save = () => form.current?.requestSubmit();
  const discard = () => setGeneration((count) => count + 1);
  return (
    <>
      <Form method="post" ref={form} key={`${generation}:${resetKey}`} onInput={compare} onChange={compare} data-save-bar-form={id}>
        <input type="hidden" name="intent" value={intent} />
        {children}
      </Form>
      {embedded ? (
        <SaveBar id={id} open={dirty}>
          <button {...{ variant: "primary" }} onClick={save} disabled={saving}>
            {t("common.save")}
          </button>
          <button onClick={discard}>{t("savebar.discard")}</button>
        </SaveBar>
      ) : (
        dirty && <InPageSaveBar onSave={save} onDiscard={discard} saving={saving} />
      )}
    </>
  );
}

/** The demo's stand-in for App Bridge's bar: fixed to the bottom edge, so nothing on the page moves when it appears. */
function InPageSaveBar({ onSave, onDiscard, saving }: { onSave: () => void; onDiscard: () => void; saving: boolean }) {
  const t = useT();
  return (
    <div role="region" aria-label={t("savebar.unsaved")} style={{ position: "fixed", insetInline: 0, bottom: 0, zIndex: 510 }}>
      <Box background="bg-surface-inverse" paddingBlock="300" paddingInline="600" shadow="400">
        <InlineStack align="space-between" blockAlign="center" gap="400">
          <Text as="p" variant="headingSm" tone="text-inverse">
            {t("savebar.unsaved")}
          </Text>
          <InlineStack gap="200">
            <Button onClick={onDiscard} disabled={saving}>
              {t("savebar.discard")}
            </Button>
            <Button variant="primary" onClick={onSave} loading={saving}>
              {t("common.save")}
            </Button>
          </InlineStack>
        </InlineStack>
      </Box>
    </div>
  );
}
