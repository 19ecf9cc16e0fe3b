import { z } from "zod";

/**
 * Every environment variable Affinity reads, parsed and checked in one place. The web process and
 * the worker parse them all at start (`requireSecrets`), so a bad value stops the process naming
 * the variable; everything else reads one with `setting(name)`, which parses it again only when
 * its value has changed (tests and `npm run demo` set some of them while running).
 *
 * `.env.example` and the README's environment table list exactly these names (checked by
 * test/config.test.ts).
 */

const text = z
  .string()
  .optional()
  .transform((value) => value?.trim() || undefined);

const url = (what: string, protocols: string[]) =>
  text.refine((value) => value === undefined || protocols.some((protocol) => value.startsWith(protocol)), {
    message: `must be ${what} (${protocols.map((protocol) => `${protocol}//…`).join(" or ")})`,
  });

/** A positive whole number of milliseconds; unset, the caller's default. */
const milliseconds = text
  .refine((value) => value === undefined || /^[1-9][0-9]*$/.test(value), { message: "must be a whole number of milliseconds" })
  .transform((value) => (value === undefined ? undefined : Number(value)));

const port = text
  .refine((value) => value === undefined || (/^[0-9]+$/.test(value) && Number(value) <= 65535), {
    message: "must be a port number (0 to 65535)",
  })
  .transform((value) => (value === undefined ? undefined : Number(value)));

const oneOf = <const T extends string>(values: readonly T[], meaning: string) =>
  text
    .refine((value) => value === undefined || (values as readonly string[]).includes(value), { message: `must be ${meaning}` })
    .transform((value) => value as T | undefined);

export const ENV_SCHEMA = z.object({
  // Where things run
  NODE_ENV: text,
  HOST: text,
  PORT: port,
  DATABASE_URL: text.refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), {
    message: "must start with postgres:// or postgresql:// (leave it unset to use the embedded database in AFFINITY_DATA_DIR)",
  }),
  AFFINITY_DATA_DIR: text,
  REDIS_URL: url("a Redis URL", ["redis:", "rediss:"]),
  // The Shopify app
  SHOPIFY_API_KEY: text,
  SHOPIFY_API_SECRET: text,
  SHOPIFY_APP_URL: url("the app's public URL", ["https:", "http:"]),
  SCOPES: text,
  SHOP_CUSTOM_DOMAIN: text,
  SHOPIFY_ADMIN_API_ORIGIN: url("an origin", ["https:", "http:"]),
  AFFINITY_BILLING_TEST: oneOf(["1", "0"] as const, "1 (test charges, never billed) or 0 (real charges)"),
  AFFINITY_TOKEN_SECRET: text,
  // The demo
  AFFINITY_DEMO: text,
  AFFINITY_STOREFRONT_URL: url("a URL", ["https:", "http:"]),
  STOREFRONT_PORT: port,
  // Jobs and training
  AFFINITY_QUEUE_PREFIX: text,
  AFFINITY_JOB_LOCK_MS: milliseconds,
  AFFINITY_BULK_POLL_MS: milliseconds,
  AFFINITY_TF_BACKEND: oneOf(["tensorflow", "wasm", "cpu"] as const, "tensorflow, wasm or cpu"),
  // Tools
  CHROMIUM_PATH: text,
});

export type Env = z.output<typeof ENV_SCHEMA>;
export type EnvName = keyof Env;
export const ENV_NAMES = Object.keys(ENV_SCHEMA.shape) as EnvName[];

/** Variables whose values may hold a password or a key: an error names them without their value. */
const SECRET_VALUES = new Set<string>(["DATABASE_URL", "REDIS_URL", "SHOPIFY_API_SECRET", "AFFINITY_TOKEN_SECRET"]);

export class InvalidEnvError extends Error {
  constructor(readonly problems: { name: string; message: string; value: string | undefined }[]) {
    const shown = (name: string, value: string | undefined) => (SECRET_VALUES.has(name) ? "" : `, not "${value}"`);
    super(
      `Invalid environment ${problems.length === 1 ? "variable" : "variables"}:\n` +
        problems.map(({ name, message, value }) => `  ${name} ${message}${shown(name, value)}`).join("\n") +
        "\nFix them in the environment or in .env (see .env.example).",
    );
    this.name = "InvalidEnvError";
  }
}

/** Parses the variables of `source`; throws InvalidEnvError naming each bad one. */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = ENV_SCHEMA.safeParse(Object.fromEntries(ENV_NAMES.map((name) => [name, source[name]])));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    return { name, message: issue.message, value: source[name] };
  });
  throw new InvalidEnvError(problems);
}

const cache = new Map<EnvName, { raw: string | undefined; value: unknown }>();

/**
 * One variable of `source` (the process's environment by default), parsed; a bad value throws
 * InvalidEnvError naming it. The process's own values are parsed again only when they change.
 */
export function setting<N extends EnvName>(name: N, source: NodeJS.ProcessEnv = process.env): Env[N] {
  const raw = source[name];
  const cached = source === process.env ? cache.get(name) : undefined;
  if (cached && cached.raw === raw) return cached.value as Env[N];
  const result = ENV_SCHEMA.shape[name].safeParse(raw);
  if (!result.success) throw new InvalidEnvError([{ name, message: result.error.issues[0].message, value: raw }]);
  if (source === process.env) cache.set(name, { raw, value: result.data });
  return result.data as Env[N];
}
