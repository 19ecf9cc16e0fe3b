import { setting } from "./config/env.server";

/**
 * Demo mode signs every visitor in as the demo shop, without Shopify login. That is only
 * safe on the developer's own machine, so it is refused in production and on any address
 * other people could reach.
 */
export const DEMO_SHOP_DOMAIN = "affinity-demo.myshopify.com";

export interface DemoModeStatus {
  requested: boolean;
  /** Why demo mode was requested but refused; undefined when allowed or not requested. */
  refusal?: string;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(bare);
}

export function demoModeStatus(env: NodeJS.ProcessEnv = process.env): DemoModeStatus {
  if (setting("AFFINITY_DEMO", env) !== "1") return { requested: false };
  if (setting("NODE_ENV", env) === "production") {
    return {
      requested: true,
      refusal:
        "Demo mode is refused because NODE_ENV=production: it signs everyone in as the demo shop " +
        "without Shopify login. Unset AFFINITY_DEMO to serve the real app, or run `npm run demo` locally.",
    };
  }
  const host = setting("HOST", env) || "localhost";
  if (!isLoopbackHost(host)) {
    return {
      requested: true,
      refusal:
        `Demo mode is refused because the server is bound to ${host}, which other machines can reach. ` +
        "Bind to 127.0.0.1 or localhost (unset HOST) for the demo.",
    };
  }
  return { requested: true };
}

export function isDemoMode(env: NodeJS.ProcessEnv = process.env): boolean {
  const status = demoModeStatus(env);
  return status.requested && !status.refusal;
}

/** The 403 answer for a refused demo request, as plain text that says what to change. */
export function demoRefusalResponse(refusal: string): Response {
  return new Response(refusal + "\n", { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
