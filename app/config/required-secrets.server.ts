import { parseEnv, setting } from "./env.server";

/**
 * The settings a production process cannot do without, and what each is set to. Without them
 * the app would start and then refuse every webhook, app proxy request and admin login (the
 * signatures cannot be checked), which looks like Shopify's fault rather than a missing
 * variable; so the web process and the worker check them before they start.
 *
 * AFFINITY_TOKEN_SECRET is not among them: recommendation tokens are signed with
 * SHOPIFY_API_SECRET when it is unset (see tokenSecret in app/models/recommendations/tokens.server.ts).
 * SCOPES neither: with Shopify-managed installation they come from shopify.app.toml.
 *
 * The worker reads none of them today; it checks the same names because it is deployed from
 * the same configuration as the web process, and a worker that starts while the web process
 * cannot would hide the mistake.
 */
const REQUIRED_IN_PRODUCTION = [
  {
    name: "SHOPIFY_API_KEY",
    setTo: "the app's client ID (Partner Dashboard → Apps → Affinity → Client credentials, or `shopify app env show`)",
  },
  {
    name: "SHOPIFY_API_SECRET",
    setTo:
      "the app's client secret, from the same place; it checks the signatures of webhooks, app proxy " +
      "requests and admin sessions, and signs recommendation tokens unless AFFINITY_TOKEN_SECRET is set",
  },
  {
    name: "SHOPIFY_APP_URL",
    setTo:
      "the public https:// address Shopify reaches this app at, the application_url of shopify.app.toml (e.g. https://affinity.example.com)",
  },
] as const;

export type RequiredSecretName = (typeof REQUIRED_IN_PRODUCTION)[number]["name"];

/**
 * The required settings that are unset or blank. Only under NODE_ENV=production: development
 * (`shopify app dev` fills them in) and `npm run demo` (which sets its own) start without them.
 */
export function missingRequiredSecrets(env: NodeJS.ProcessEnv = process.env): RequiredSecretName[] {
  if (setting("NODE_ENV", env) !== "production") return [];
  return REQUIRED_IN_PRODUCTION.filter(({ name }) => !setting(name, env)).map(({ name }) => name);
}

export class MissingSecretsError extends Error {
  constructor(
    readonly missing: RequiredSecretName[],
    processName: string,
  ) {
    const lines = REQUIRED_IN_PRODUCTION.filter(({ name }) => missing.includes(name)).map(
      ({ name, setTo }) => `  ${name}: set it to ${setTo}`,
    );
    super(
      `${processName} cannot start with NODE_ENV=production: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set.\n` +
        `${lines.join("\n")}\n` +
        "Set them in the environment or in .env (see .env.example). `npm run demo` runs without them.",
    );
    this.name = "MissingSecretsError";
  }
}

/**
 * Throws MissingSecretsError, naming every missing setting and what to set it to, when any is
 * missing; then InvalidEnvError, naming every variable whose value is wrong.
 */
export function requireSecrets(processName: string, env: NodeJS.ProcessEnv = process.env): void {
  const missing = missingRequiredSecrets(env);
  if (missing.length) throw new MissingSecretsError(missing, processName);
  parseEnv(env);
}
