import { afterEach, describe, expect, it } from "vitest";
import { demoModeStatus, isLoopbackHost } from "../app/demo.server";
import { startServer, type RunningServer } from "../app/http/web-server.server";

describe("demo mode guard", () => {
  it("knows loopback addresses", () => {
    for (const host of ["localhost", "127.0.0.1", "127.8.0.1", "::1", "[::1]", "::ffff:127.0.0.1"])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.5", "example.com"]) expect(isLoopbackHost(host), host).toBe(false);
  });

  it("allows demo mode only when asked, outside production, on loopback", () => {
    const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;
    expect(demoModeStatus(env({}))).toEqual({ requested: false });
    expect(demoModeStatus(env({ AFFINITY_DEMO: "1", NODE_ENV: "development" }))).toEqual({ requested: true });
    expect(demoModeStatus(env({ AFFINITY_DEMO: "1", NODE_ENV: "production" })).refusal).toMatch(/NODE_ENV=production/);
    expect(demoModeStatus(env({ AFFINITY_DEMO: "1", HOST: "0.0.0.0" })).refusal).toMatch(/bound to 0\.0\.0\.0/);
  });
});

describe("the demo admin over HTTP", () => {
  const saved = { ...process.env };
  let server: RunningServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
    process.env = { ...saved };
  });

  it("refuses demo mode under NODE_ENV=production with the reason", async () => {
    process.env.AFFINITY_DEMO = "1";
    process.env.NODE_ENV = "production";
    server = await startServer({ host: "127.0.0.1", port: 0, dev: true });
    for (const path of ["/app", "/preview", "/preview/recommendations?placement=trending"]) {
      const response = await fetch(server.origin + path);
      expect(response.status, path).toBe(403);
      expect(await response.text()).toMatch(/Demo mode is refused because NODE_ENV=production/);
    }
  });

  it("refuses demo mode when bound to a non-loopback address", async () => {
    process.env.AFFINITY_DEMO = "1";
    process.env.NODE_ENV = "development";
    server = await startServer({ host: "0.0.0.0", port: 0, dev: true });
    const response = await fetch(server.origin.replace("0.0.0.0", "127.0.0.1") + "/app");
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/bound to 0\.0\.0\.0/);
  });
});
