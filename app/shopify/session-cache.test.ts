import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { describe, expect, it } from "vitest";
import { CachedSessionStorage } from "./session-cache.server";

/** The sessions of another process: a map, shared by whoever holds it. */
class MapSessionStorage implements SessionStorage {
  readonly sessions = new Map<string, Session>();
  async storeSession(session: Session) {
    this.sessions.set(session.id, session);
    return true;
  }
  async loadSession(id: string) {
    return this.sessions.get(id);
  }
  async deleteSession(id: string) {
    return this.sessions.delete(id);
  }
  async deleteSessions(ids: string[]) {
    ids.forEach((id) => this.sessions.delete(id));
    return true;
  }
  async findSessionsByShop(shop: string) {
    return [...this.sessions.values()].filter((session) => session.shop === shop);
  }
}

describe("CachedSessionStorage", () => {
  it("reuses a loaded session until it expires or is written through it", async () => {
    const inner = new MapSessionStorage();
    let loads = 0;
    const load = inner.loadSession.bind(inner);
    inner.loadSession = async (id) => (loads++, load(id));
    let now = 0;
    const cached = new CachedSessionStorage(inner, 1_000, () => now);
    const session = new Session({ id: "offline_a.myshopify.com", shop: "a.myshopify.com", state: "s", isOnline: false, accessToken: "t1" });
    await cached.storeSession(session);

    expect((await cached.loadSession(session.id))?.accessToken).toBe("t1");
    expect((await cached.loadSession(session.id))?.accessToken).toBe("t1");
    expect(loads).toBe(1);

    await cached.storeSession(new Session({ ...session, accessToken: "t2" }));
    expect((await cached.loadSession(session.id))?.accessToken).toBe("t2");
    expect(loads).toBe(2);

    // Another process deletes it: seen once the entry expires, or at once after forgetShop.
    await inner.deleteSession(session.id);
    expect(await cached.loadSession(session.id)).toBeDefined();
    cached.forgetShop("a.myshopify.com");
    expect(await cached.loadSession(session.id)).toBeUndefined();
    await inner.storeSession(session);
    expect(await cached.loadSession(session.id)).toBeUndefined();
    now = 1_001;
    expect(await cached.loadSession(session.id)).toBeDefined();
  });
});
