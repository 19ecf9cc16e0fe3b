import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAdapter } from "../../app/db/adapter.server";

/**
 * A PostgreSQL address that accepts the connection and then never answers (a dropped network
 * path, a frozen server): a query must fail after the pool's connect timeout, not wait forever.
 */
describe("a database server that accepts connections and never answers", () => {
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let url: string;

  beforeAll(async () => {
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    url = `postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/test`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("fails the query with a timeout after about 15 seconds", async () => {
    const adapter = openAdapter("connect-timeout-test", { kind: "postgres", url });
    const started = Date.now();
    const outcome = await adapter.raw
      .transaction((sql) => sql.query("SELECT 1"))
      .then(
        () => "answered",
        (error: Error) => error.message,
      );
    const waited = Date.now() - started;
    await adapter.close();
    expect(outcome).toMatch(/timeout/i);
    expect(waited).toBeGreaterThanOrEqual(14_000);
    expect(waited).toBeLessThan(25_000);
  }, 40_000);
});
