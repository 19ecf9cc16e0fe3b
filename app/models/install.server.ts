import type { PrismaClient } from "@prisma/client";
import { adminApi } from "../shopify/admin-api.server";
import { cancelShopJobRuns } from "./job-runs.server";
import { ensureShop } from "./shops.server";
import { activateWebPixel } from "./web-pixel.server";

export interface InstallResult {
  shopId: string;
  webPixelId: string | null;
  backfillQueued: boolean;
}

/**
 * After OAuth: the shop row, the web pixel pointed at this app, and the history backfill
 * (once; later runs are started from the admin). A pixel that cannot be activated is logged
 * and does not stop the install.
 */
export async function handleInstall(
  db: PrismaClient,
  session: { shop: string; accessToken: string },
  options: { appUrl: string; queueBackfill: (shopId: string) => Promise<unknown> },
): Promise<InstallResult> {
  const shop = await ensureShop(db, session.shop);
  let webPixelId: string | null = null;
  try {
    webPixelId = await activateWebPixel(db, adminApi(session.shop, session.accessToken), shop.id, options.appUrl);
  } catch (error) {
    console.error(`[install] ${session.shop}: ${(error as Error).message}`);
  }
  const backfilled = await db.jobRun.findFirst({
    where: { shopId: shop.id, name: "backfill", status: { in: ["QUEUED", "RUNNING", "SUCCEEDED"] } },
  });
  if (!backfilled) await options.queueBackfill(shop.id);
  return { shopId: shop.id, webPixelId, backfillQueued: !backfilled };
}

/** app/uninstalled: sessions go, the shop is marked uninstalled and its jobs stop. Data stays until shop/redact. */
export async function handleUninstall(db: PrismaClient, shopDomain: string) {
  const sessions = await db.session.deleteMany({ where: { shop: shopDomain } });
  const shop = await db.shop.findUnique({ where: { domain: shopDomain } });
  if (!shop) return { sessions: sessions.count, jobsCancelled: 0 };
  if (!shop.uninstalledAt) await db.shop.update({ where: { id: shop.id }, data: { uninstalledAt: new Date() } });
  return { sessions: sessions.count, jobsCancelled: await cancelShopJobRuns(db, shop.id) };
}
