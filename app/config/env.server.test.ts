import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ENV_NAMES, InvalidEnvError, parseEnv, setting } from "./env.server";

/** The variable names a document mentions: `NAME=` lines of .env.example, the first column of the README's table. */
const exampleNames = () => [...fs.readFileSync(".env.example", "utf8").matchAll(/^# ([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
function readmeTableNames(): string[] {
  const section = fs
    .readFileSync("README.md", "utf8")
    .split(/^## /m)
    .find((part) => part.startsWith("Environment"));
  if (!section) throw new Error("README.md has no Environment section");
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));
  return rows.flatMap((row) => [...row.split("|")[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]));
}

describe("the environment", () => {
  it("is listed in full, and only, in .env.example and the README's table", () => {
    const known = [...ENV_NAMES].sort();
    expect([...new Set(exampleNames())].sort()).toEqual(known);
    expect([...new Set(readmeTableNames())].sort()).toEqual(known);
  });

  it("is read through the config module only, outside tests", () => {
    const sources = ["app", "workers", "commands", "demo", "bench", "storefront-harness"]
      .flatMap((folder) => fs.readdirSync(folder, { recursive: true, encoding: "utf8" }).map((file) => `${folder}/${file}`))
      .concat("server.ts")
      .filter((file) => /\.tsx?$/.test(file))
      .filter((file) => !/\.(test|e2e)\.tsx?$/.test(file) && file !== "app/config/env.server.ts");
    const reads = sources.flatMap((file) =>
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => /process\.env\.[A-Z]/.test(line) && !/process\.env\.[A-Z_]+ (\|\|)?= |delete process\.env/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(reads).toEqual([]);
  });

  it("names each bad variable and what it must be, without echoing secret values", () => {
    const bad = {
      NODE_ENV: "test" as const,
      PORT: "eighty",
      AFFINITY_BILLING_TEST: "yes",
      DATABASE_URL: "mysql://root:hunter2@db/affinity",
      AFFINITY_JOB_LOCK_MS: "-5",
    };
    let error: unknown;
    try {
      parseEnv(bad);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidEnvError);
    const message = (error as Error).message;
    expect(message).toContain('PORT must be a port number (0 to 65535), not "eighty"');
    expect(message).toContain('AFFINITY_BILLING_TEST must be 1 (test charges, never billed) or 0 (real charges), not "yes"');
    expect(message).toContain("DATABASE_URL must start with postgres:// or postgresql://");
    expect(message).toContain('AFFINITY_JOB_LOCK_MS must be a whole number of milliseconds, not "-5"');
    expect(message).not.toContain("hunter2");
    expect((error as InvalidEnvError).problems.map((problem) => problem.name).sort()).toEqual([
      "AFFINITY_BILLING_TEST",
      "AFFINITY_JOB_LOCK_MS",
      "DATABASE_URL",
      "PORT",
    ]);
  });

  it("parses numbers, trims text and treats blank as unset", () => {
    expect(parseEnv({ NODE_ENV: "test", PORT: " 3000 ", AFFINITY_JOB_LOCK_MS: "2000", HOST: "  ", SCOPES: " read_orders " })).toMatchObject(
      {
        PORT: 3000,
        AFFINITY_JOB_LOCK_MS: 2000,
        HOST: undefined,
        SCOPES: "read_orders",
      },
    );
  });

  it("reads the process's values again when they change", () => {
    const saved = process.env.AFFINITY_QUEUE_PREFIX;
    try {
      process.env.AFFINITY_QUEUE_PREFIX = "first";
      expect(setting("AFFINITY_QUEUE_PREFIX")).toBe("first");
      process.env.AFFINITY_QUEUE_PREFIX = "second";
      expect(setting("AFFINITY_QUEUE_PREFIX")).toBe("second");
      process.env.AFFINITY_QUEUE_PREFIX = "x".repeat(0);
      expect(setting("AFFINITY_QUEUE_PREFIX")).toBeUndefined();
      expect(() => setting("PORT", { NODE_ENV: "test", PORT: "70000" })).toThrow('PORT must be a port number (0 to 65535), not "70000"');
    } finally {
      if (saved === undefined) delete process.env.AFFINITY_QUEUE_PREFIX;
      else process.env.AFFINITY_QUEUE_PREFIX = saved;
    }
  });
});
