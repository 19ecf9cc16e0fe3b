import type { PrismaClient } from "@prisma/client";
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { createApiKey } from "../api-keys.server";
import { publishInvalidation } from "../storefront/invalidation.server";
import { field, validate, type FieldErrors, type Validated } from "./forms.server";

const settingsForm = z.object({
  trainingSchedule: z
    .string({ message: "errors.cron" })
    .trim()
    .refine(
      (value) => {
        if (value.split(/\s+/).length !== 5) return false;
        try {
          CronExpressionParser.parse(value);
          return true;
        } catch {
          return false;
        }
      },
      { message: "errors.cron" },
    ),
  historyMonths: field.wholeNumber(1, 60, "errors.history"),
  retrainAfterOrders: field.wholeNumber(10, 100_000, "errors.retrain_after"),
  holdoutShare: field.number(0, 0.5, "errors.holdout"),
  attributionDays: field.wholeNumber(1, 30, "errors.attribution"),
});

export async function getSettings(db: PrismaClient, shopId: string) {
  return db.shopSettings.upsert({ where: { shopId }, create: { shopId }, update: {} });
}

/** The shop's latest privacy requests from Shopify, the newest first. */
export async function listPrivacyRequests(db: PrismaClient, shopDomain: string, take = 50) {
  return db.privacyRequest.findMany({ where: { shopDomain }, orderBy: { receivedAt: "desc" }, take });
}

/** Training schedule, history window, early retraining, holdout share and attribution window. */
export async function saveSettings(db: PrismaClient, shopId: string, input: unknown): Promise<Validated<true>> {
  const checked = validate(settingsForm, input);
  if ("errors" in checked) return checked;
  const { attributionDays, ...rest } = checked.data;
  const data = { ...rest, attributionWindowMinutes: attributionDays * 24 * 60 };
  await db.shopSettings.upsert({ where: { shopId }, create: { shopId, ...data }, update: data });
  // The holdout share and attribution window are read by serving with the rules.
  await publishInvalidation({ shopId, scope: "rules" });
  return { data: true };
}

/** A headless API key from the admin's form (its kind, origins one per line); the key is returned once. */
export async function createKeyFromForm(
  db: PrismaClient,
  shopId: string,
  input: { name?: string; kind?: string; origins?: string },
): Promise<{ key: string } | { errors: FieldErrors }> {
  const origins = (input.origins ?? "").split(/[\s,]+/).filter(Boolean);
  const kind = input.kind === "secret" ? "secret" : "publishable";
  const created = await createApiKey(db, shopId, { name: input.name ?? "", kind, allowedOrigins: origins });
  if ("errors" in created) {
    const errors: FieldErrors = {};
    for (const error of created.errors) {
      if (error.field === "name") errors.name = "errors.name";
      else errors.origins = error.field === "allowedOrigins" && kind === "secret" ? "errors.secret_origins" : "errors.origin";
    }
    return { errors };
  }
  return { key: created.key };
}
