import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

/** How long a loaded session is reused without asking the database again. */
const SESSION_CACHE_MS = 30_000;

/**
 * Remembers loaded sessions for a few seconds. Every webhook delivery loads the shop's offline
 * session (authenticate.webhook does), so under a burst of deliveries this saves a database
 * query per acknowledgement. Writes and deletes through this process drop the entry at once;
 * another process's changes are seen within SESSION_CACHE_MS (a rotated token stays valid
 * longer than that, and an uninstalled shop's stale session only makes Admin API calls fail).
 */
export class CachedSessionStorage implements SessionStorage {
  private readonly cache = new Map<string, { session: Session | undefined; until: number }>();

  constructor(
    private readonly storage: SessionStorage,
    private readonly ttlMs = SESSION_CACHE_MS,
    private readonly now = () => Date.now(),
  ) {}

  async loadSession(id: string): Promise<Session | undefined> {
    const hit = this.cache.get(id);
    if (hit && hit.until > this.now()) return hit.session;
    const session = await this.storage.loadSession(id);
    this.cache.set(id, { session, until: this.now() + this.ttlMs });
    return session;
  }

  async storeSession(session: Session): Promise<boolean> {
    this.cache.delete(session.id);
    return this.storage.storeSession(session);
  }

  async deleteSession(id: string): Promise<boolean> {
    this.cache.delete(id);
    return this.storage.deleteSession(id);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    for (const id of ids) this.cache.delete(id);
    return this.storage.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return this.storage.findSessionsByShop(shop);
  }

  /** Forgets every cached session of a shop (its sessions were deleted outside this storage). */
  forgetShop(shop: string) {
    for (const [id, entry] of this.cache) if (entry.session?.shop === shop || id === `offline_${shop}`) this.cache.delete(id);
  }
}
