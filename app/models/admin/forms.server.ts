import { z } from "zod";
import type { MessageKey } from "../../i18n/admin";
import { requireAdmin } from "../../admin.server";
import prisma from "../../db.server";
import { getShopByDomain } from "../shops.server";

/** Field errors as translation keys, by field name: the form shows each under its field. */
export type FieldErrors = Record<string, MessageKey>;
export type Validated<T> = { data: T } | { errors: FieldErrors };

/** A form's values as a plain object; repeated names become arrays. */
export function formObject(form: FormData): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [key, value] of form) {
    if (typeof value !== "string") continue;
    const existing = values[key];
    values[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return values;
}

/** Checks input against a schema whose messages are translation keys. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): Validated<z.infer<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.join(".") || "form";
    errors[field] ??= (issue.message.startsWith("errors.") ? issue.message : "errors.required") as MessageKey;
  }
  return { errors };
}

/** Building blocks for the admin's forms (every message is a translation key). */
export const field = {
  number: (min: number, max: number, message: MessageKey) =>
    z.preprocess(
      (value) => (value === "" || value == null ? undefined : Number(String(value).replace(",", "."))),
      z.number({ message }).finite({ message }).min(min, { message }).max(max, { message }),
    ),
  optionalNumber: (min: number, max: number, message: MessageKey) =>
    z.preprocess(
      (value) => (value === "" || value == null ? null : Number(String(value).replace(",", "."))),
      z.number({ message }).finite({ message }).min(min, { message }).max(max, { message }).nullable(),
    ),
  wholeNumber: (min: number, max: number, message: MessageKey) =>
    z.preprocess(
      (value) => (value === "" || value == null ? undefined : Number(value)),
      z.number({ message }).int({ message }).min(min, { message }).max(max, { message }),
    ),
  text: (max: number, message: MessageKey) => z.string({ message }).trim().min(1, { message }).max(max, { message }),
  date: () =>
    z.preprocess(
      (value) => (value ? new Date(String(value)) : undefined),
      z.date({ message: "errors.date" }).refine((date) => !Number.isNaN(date.getTime()), { message: "errors.date" }),
    ),
  checkbox: () => z.preprocess((value) => value === "on" || value === "true" || value === true, z.boolean()),
  choice: <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { message: "errors.choose" }),
};

/** The signed-in merchant's shop (or the demo shop); a shop not installed yet answers 404. */
export async function requireAdminShop(request: Request) {
  const { shopDomain, demo } = await requireAdmin(request);
  const shop = await getShopByDomain(prisma, shopDomain);
  if (!shop) throw new Response(`${shopDomain} has not finished installing Affinity yet.`, { status: 404 });
  return { shop, demo, db: prisma };
}
