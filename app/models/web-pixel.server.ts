import type { PrismaClient } from "@prisma/client";
import type { AdminApi } from "../shopify/admin-api.server";
import { ensurePixelKey } from "./pixel.server";

/** Queries from https://shopify.dev/docs/apps/build/marketing-analytics/build-web-pixels (API 2026-07). */
const WEB_PIXEL_QUERY = `#graphql
  query AffinityWebPixel { webPixel { id settings } }`;
const WEB_PIXEL_CREATE = `#graphql
  mutation AffinityWebPixelCreate($webPixel: WebPixelInput!) {
    webPixelCreate(webPixel: $webPixel) { userErrors { code field message } webPixel { id settings } }
  }`;
const WEB_PIXEL_UPDATE = `#graphql
  mutation AffinityWebPixelUpdate($id: ID!, $webPixel: WebPixelInput!) {
    webPixelUpdate(id: $id, webPixel: $webPixel) { userErrors { code field message } webPixel { id settings } }
  }`;

interface UserError {
  code: string | null;
  field: string[] | null;
  message: string;
}
interface PixelPayload {
  userErrors: UserError[];
  webPixel: { id: string; settings: string } | null;
}

/**
 * Turns the pixel on for the shop (or points it at this app again): the settings carry the
 * endpoint and the shop's pixel key, as declared in extensions/affinity-pixel/shopify.extension.toml.
 */
export async function activateWebPixel(db: PrismaClient, admin: AdminApi, shopId: string, appUrl: string): Promise<string> {
  const settings = JSON.stringify({ endpoint: new URL("/pixel/events", appUrl).toString(), pixelKey: await ensurePixelKey(db, shopId) });
  const existing = await admin
    .request<{ webPixel: { id: string } | null }>(WEB_PIXEL_QUERY)
    .then((data) => data.webPixel)
    // The query answers an error when the app has no pixel on the shop yet.
    .catch(() => null);
  const payload = existing
    ? (await admin.request<{ webPixelUpdate: PixelPayload }>(WEB_PIXEL_UPDATE, { id: existing.id, webPixel: { settings } })).webPixelUpdate
    : (await admin.request<{ webPixelCreate: PixelPayload }>(WEB_PIXEL_CREATE, { webPixel: { settings } })).webPixelCreate;
  if (payload.userErrors.length > 0 || !payload.webPixel) {
    throw new Error(`could not activate the web pixel: ${payload.userErrors.map((error) => error.message).join("; ")}`);
  }
  return payload.webPixel.id;
}
