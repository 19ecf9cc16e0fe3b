import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { MissingSecretsError, missingRequiredSecrets, requireSecrets } from "../../app/config/required-secrets.server";

const CONFIGURED = { SHOPIFY_API_KEY: "client-id", SHOPIFY_API_SECRET: "client-secret", SHOPIFY_APP_URL: "https://affinity.example.com" };

describe("the settings production cannot start without", () => {
  it("names each required setting that is unset or blank, in production only", () => {
    expect(missingRequiredSecrets({ NODE_ENV: "production" })).toEqual(["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL"]);
    expect(missingRequiredSecrets({ NODE_ENV: "production", ...CONFIGURED })).toEqual([]);
    expect(missingRequiredSecrets({ NODE_ENV: "production", ...CONFIGURED, SHOPIFY_API_SECRET: "  " })).toEqual(["SHOPIFY_API_SECRET"]);
    // The token secret falls back to the client secret, not the other way round: webhooks and the app proxy need the client secret.
    expect(
      missingRequiredSecrets({ NODE_ENV: "production", ...CONFIGURED, SHOPIFY_API_SECRET: undefined, AFFINITY_TOKEN_SECRET: "t" }),
    ).toEqual(["SHOPIFY_API_SECRET"]);
    expect(missingRequiredSecrets({ NODE_ENV: "development" })).toEqual([]);
    expect(missingRequiredSecrets({ NODE_ENV: "test" })).toEqual([]);
    expect(missingRequiredSecrets({} as NodeJS.ProcessEnv)).toEqual([]);
  });

  it("says which process cannot start, what is missing and what to set it to", () => {
    expect(() => requireSecrets("The web process", { NODE_ENV: "production", ...CONFIGURED })).not.toThrow();
    const thrown = (() => {
      try {
        requireSecrets("The web process", { NODE_ENV: "production", SHOPIFY_API_KEY: "client-id" });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(MissingSecretsError);
    const { message, missing } = thrown as MissingSecretsError;
    expect(missing).toEqual(["SHOPIFY_API_SECRET", "SHOPIFY_APP_URL"]);
    expect(message).toMatch(/^The web process cannot start with NODE_ENV=production: SHOPIFY_API_SECRET, SHOPIFY_APP_URL are not set\./);
    expect(message).toContain("SHOPIFY_API_SECRET: set it to the app's client secret");
    expect(message).toContain("SHOPIFY_APP_URL: set it to the public https:// address");
    expect(message).not.toContain("SHOPIFY_API_KEY:");
  });
});

describe("startWebProcess, as the demo and the benchmarks start the web process", () => {
  it("checks the settings before it starts anything", async () => {
    const { startWebProcess } = await import("../../workers/web");
    const saved = { ...process.env };
    Object.assign(process.env, { NODE_ENV: "production", ...CONFIGURED, SHOPIFY_APP_URL: "" });
    try {
      await expect(startWebProcess({ host: "127.0.0.1", port: 0, dev: false })).rejects.toThrow(
        "The web process (npm start) cannot start with NODE_ENV=production: SHOPIFY_APP_URL is not set.",
      );
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});

// The processes as an operator starts them, from a folder without a .env (which would fill
// the variables in), with the environment stripped of every Shopify setting.
const root = process.cwd();
const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "affinity-required-secrets-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function baseEnv(NODE_ENV: "development" | "production", extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { NODE_ENV, PATH: process.env.PATH, HOME: process.env.HOME, AFFINITY_DATA_DIR: scratch, PORT: "0", HOST: "127.0.0.1", ...extra };
}

function run(script: string, env: NodeJS.ProcessEnv, options: { cwd: string; until?: RegExp; timeoutMs?: number }) {
  return new Promise<{ code: number | null; output: string; matched: boolean }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", tsx, path.join(root, script)], {
      cwd: options.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let matched = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `${script} neither exited nor printed ${options.until ?? "anything expected"} within ${options.timeoutMs ?? 30_000} ms:\n${output}`,
        ),
      );
    }, options.timeoutMs ?? 30_000);
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (!matched && options.until?.test(output)) {
        matched = true;
        clearTimeout(timer);
        child.kill("SIGTERM");
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, matched });
    });
  });
}

describe("starting without them", () => {
  it("stops `NODE_ENV=production tsx server.ts` at once, naming SHOPIFY_API_SECRET and what to set it to", async () => {
    const { SHOPIFY_API_SECRET: _, ...rest } = CONFIGURED;
    const { code, output } = await run("server.ts", baseEnv("production", rest), { cwd: scratch });
    expect(code).toBe(1);
    expect(output).toContain("The web process (npm start) cannot start with NODE_ENV=production: SHOPIFY_API_SECRET is not set.");
    expect(output).toContain("SHOPIFY_API_SECRET: set it to the app's client secret");
    expect(output).not.toMatch(/serving http/);
  });

  it("reads .env before it checks: a bad value there stops `tsx server.ts` before anything opens the database", async () => {
    const folder = fs.mkdtempSync(path.join(scratch, "dotenv-"));
    fs.writeFileSync(path.join(folder, ".env"), "AFFINITY_BILLING_TEST=maybe\n");
    const dataDir = path.join(folder, "data");
    const { code, output } = await run("server.ts", baseEnv("production", { ...CONFIGURED, AFFINITY_DATA_DIR: dataDir }), {
      cwd: folder,
    });
    expect(code).toBe(1);
    expect(output).toContain('AFFINITY_BILLING_TEST must be 1 (test charges, never billed) or 0 (real charges), not "maybe"');
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it("stops the worker (`npm run worker`) the same way, naming every missing setting", async () => {
    const { code, output } = await run(
      "workers/main.ts",
      baseEnv("production", { REDIS_URL: "redis://127.0.0.1:1", DATABASE_URL: "postgres://127.0.0.1:1/none" }),
      { cwd: scratch },
    );
    expect(code).toBe(1);
    expect(output).toContain(
      "The worker (npm run worker) cannot start with NODE_ENV=production: SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL are not set.",
    );
    for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL"]) expect(output).toContain(`${name}: set it to`);
  });

  it("still serves in development without them", async () => {
    const { output, matched } = await run("server.ts", baseEnv("development"), {
      cwd: root,
      until: /\[affinity\] serving http:\/\/127\.0\.0\.1:\d+ \(development/,
      timeoutMs: 90_000,
    });
    expect(matched, output).toBe(true);
    expect(output).not.toContain("cannot start");
  }, 120_000);
});
