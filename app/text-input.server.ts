import { z } from "zod";
import type { FieldError } from "./json-body.server";

/**
 * Text that arrives from outside (query strings, JSON bodies, webhook payloads, import files)
 * and is stored or used in a query. PostgreSQL's text type cannot hold U+0000, and a lone
 * surrogate (JSON allows "\ud800") has no UTF-8 encoding: either one would fail the statement
 * (a 500, a crashed job, a half-read import) or be silently rewritten by the driver. Every such
 * text goes through `storedText` or `textProblem` first, so it is refused where it arrives,
 * with the field named.
 */

/** Ids, handles, codes and emails (Shopify's own limit for such fields is 255). */
export const MAX_ID_LENGTH = 255;
/** Titles, names, search queries and other single values a person types. */
export const MAX_LINE_LENGTH = 2_000;
/** Descriptions and tag lists, which stores fill generously. */
export const MAX_DOCUMENT_LENGTH = 1_000_000;

/** What is wrong with a text for storage, as the end of "<field> …", or null when it may be stored. */
export function textProblem(value: string, max: number): string | null {
  if (value.includes("\u0000")) return "must not contain the NUL character (U+0000)";
  if (!isWellFormed(value)) return "must be well-formed Unicode (it has a lone surrogate)";
  if (value.length > max) return `must be at most ${max} characters (found ${value.length})`;
  return null;
}

// String.prototype.isWellFormed is in Node 20 but newer than the project's TypeScript lib.
const isWellFormed = (value: string) => (value as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * A string that may reach the database: no NUL, well-formed Unicode, at most `max` characters.
 * The check runs on the text as received, before any `.trim()` chained after it.
 */
export function storedText(max: number) {
  return z.string().superRefine((value, context) => {
    const problem = textProblem(value, max);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });
}

/**
 * A value quoted for an error message: JSON escapes NUL and lone surrogates, so the message
 * itself can be stored (a webhook's error column) or printed; long values are cut.
 */
export function quoted(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

const DECIMAL_INTEGER = /^-?\d{1,15}$/;

/**
 * A whole number written in decimal digits only, as query strings and import files write them,
 * or null. `Number()` alone would also read "0x10", "1e1", " 8", "+8" and "8.0"; none of those
 * is how a storefront writes a count, and accepting them hides client bugs. Fifteen digits at
 * most keep the value an exact integer.
 */
export function parseDecimalInteger(text: string): number | null {
  return DECIMAL_INTEGER.test(text) ? Number(text) : null;
}

/**
 * One text parameter of a query string: trimmed, null when absent or empty, or the error that
 * names the field when it may not be stored or looked up.
 */
export function readQueryText(params: URLSearchParams, field: string, max: number): { value: string | null } | { error: FieldError } {
  const value = params.get(field)?.trim() ?? "";
  const problem = textProblem(value, max);
  return problem ? { error: { field, message: problem } } : { value: value || null };
}

/**
 * The query parameter naming the shopper (`customer_id` on the headless API,
 * `logged_in_customer_id` through the app proxy): the id (null for a guest), or the 400 answer
 * naming the field, in parseJsonBody's shape.
 */
export function readShopperId(
  params: URLSearchParams,
  field: string,
): { shopperId: string | null } | { status: 400; body: { error: string; errors: FieldError[] } } {
  const read = readQueryText(params, field, MAX_ID_LENGTH);
  if ("error" in read) return { status: 400, body: { error: "the request is not valid", errors: [read.error] } };
  return { shopperId: read.value };
}

/**
 * One text field of a posted form, as sent (not trimmed; "" when absent), or the error that
 * names the field when it is a file or may not be stored or looked up.
 */
export function readFormText(form: FormData, field: string, max: number): { value: string } | { error: FieldError } {
  const value = form.get(field) ?? "";
  if (typeof value !== "string") return { error: { field, message: "must be text, not a file" } };
  const problem = textProblem(value, max);
  return problem ? { error: { field, message: problem } } : { value };
}
