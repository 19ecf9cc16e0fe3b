import type { z } from "zod";

export interface FieldError {
  field: string;
  message: string;
}

/** One error per invalid field, with its path (`events.0.rating`), for a 400 answer. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }));
}

/**
 * A request body read as JSON and checked against a schema: the data, or the 400 answer that
 * says what is wrong (`invalid` is the sentence before the field errors).
 */
export function parseJsonBody<S extends z.ZodType>(
  raw: string,
  schema: S,
  invalid: string,
): { data: z.infer<S> } | { status: 400; body: { error: string; errors?: FieldError[] } } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { status: 400, body: { error: "the body is not JSON" } };
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? { data: parsed.data } : { status: 400, body: { error: invalid, errors: fieldErrors(parsed.error) } };
}
