import { afterEach, describe, expect, it } from "vitest";
import { processService, shutdownProcess, type ServiceName } from "./registry.server";

/** A service that writes down when it is closed, after an optional step of its own. */
function recorded(name: string, closed: string[], whileClosing?: () => Promise<void>) {
  return {
    async close() {
      await whileClosing?.();
      closed.push(name);
    },
  };
}

describe("the process's services", () => {
  afterEach(() => shutdownProcess().catch(() => {}));

  it("opens each service once, on first use", () => {
    let opened = 0;
    const open = () => (opened++, recorded("database", []));
    expect(processService("database", open)).toBe(processService("database", open));
    expect(opened).toBe(1);
  });

  it("closes the queue, the recommendation cache, the bus and the rate limiters, then the database, whatever order they were opened in", async () => {
    const closed: string[] = [];
    for (const name of ["database", "rate-limits", "invalidation-bus", "recommendations", "job-queue"] as ServiceName[]) {
      processService(name, () => recorded(name, closed));
    }
    await shutdownProcess();
    expect(closed).toEqual(["job-queue", "recommendations", "invalidation-bus", "rate-limits", "database"]);
  });

  it("closes once: a second shutdown meanwhile waits for the first, and one after it has nothing to close", async () => {
    const closed: string[] = [];
    processService("job-queue", () => recorded("job-queue", closed, () => new Promise((resolve) => setTimeout(resolve, 20))));
    processService("database", () => recorded("database", closed));
    const first = shutdownProcess();
    const second = shutdownProcess();
    await second;
    expect(closed).toEqual(["job-queue", "database"]);
    await first;
    await shutdownProcess();
    expect(closed).toEqual(["job-queue", "database"]);
  });

  it("closes a service opened by a job finishing during shutdown in its turn, and opens a new one once shutdown is done", async () => {
    const closed: string[] = [];
    const bus = () => recorded("invalidation-bus", closed);
    processService("job-queue", () => recorded("job-queue", closed, async () => void processService("invalidation-bus", bus)));
    await shutdownProcess();
    expect(closed).toEqual(["job-queue", "invalidation-bus"]);
    const reopened = processService("invalidation-bus", bus);
    expect(processService("invalidation-bus", bus)).toBe(reopened);
  });

  it("closes the others when one fails to close, and reports the failure", async () => {
    const closed: string[] = [];
    processService("job-queue", () => ({ close: () => Promise.reject(new Error("the queue would not close")) }));
    processService("database", () => recorded("database", closed));
    await expect(shutdownProcess()).rejects.toThrow("the queue would not close");
    expect(closed).toEqual(["database"]);
  });
});
