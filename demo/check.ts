import type { PrismaClient } from "@prisma/client";
import { readStoreQuality } from "../app/engine";
import { placementQuality } from "../app/models/admin/placement-quality";

interface ApiItem {
  title: string;
  price: number;
  reason: string;
}

/**
 * The headless half of `npm run demo -- --check`: asks the running server over HTTP for the
 * admin, every placement and the storefront's pages and app proxy, prints what came back, and throws with
 * the failing request on any problem.
 */
export async function runDemoCheck(db: PrismaClient, shopId: string, origin: string, storefront: string, log: (line: string) => void) {
  const customer = await customerWithRepeatPurchases(db, shopId);
  const product = await db.orderLine.groupBy({
    by: ["productId"],
    where: { shopId, productId: { not: null } },
    _count: { _all: true },
    orderBy: { _count: { productId: "desc" } },
    take: 1,
  });
  const productId = product[0]?.productId;
  if (!customer || !productId) throw new Error("the demo store has no orders to recommend from");
  const productTitle = (await db.product.findUniqueOrThrow({ where: { id: productId } })).title;

  const admin = await get(origin, "/app");
  if (!admin.text.includes("Affinity")) throw new Error("GET /app did not render the admin home page");
  log(`GET /app: ${admin.status}, ${admin.text.length.toLocaleString("en-US")} bytes`);
  for (const [label, value] of homeFigures(admin.text)) log(`    ${label}: ${value}`);
  for (const line of await qualityRows(db, shopId)) log(`    ${line}`);

  const placements = [
    ["for_you", `customer=${customer.id}`, `for ${customer.name}`],
    ["buy_again", `customer=${customer.id}`, `for ${customer.name}`],
    ["bought_together", `product=${productId}`, `with ${productTitle}`],
    ["related", `product=${productId}`, `for ${productTitle}`],
    ["trending", "", "for everyone"],
  ] as const;
  for (const [placement, query, subject] of placements) {
    const response = await get(origin, `/preview/recommendations?placement=${placement}&limit=5&${query}`);
    const { items } = JSON.parse(response.text) as { items: ApiItem[] };
    if (!items.length) throw new Error(`placement ${placement} ${subject} returned no products`);
    log(`${placement} ${subject}:`);
    for (const item of items) log(`    ${item.title} ($${item.price.toFixed(2)}): ${item.reason}`);
  }

  const handle = (await db.product.findUniqueOrThrow({ where: { id: productId } })).handle;
  const pages = [
    ["/", ["Recommended for you", "Trending now"]],
    [`/products/${handle}`, ["Frequently bought together", "You may also like"]],
  ] as const;
  for (const [path, headings] of pages) {
    const page = await get(storefront, path);
    for (const heading of headings)
      if (!page.text.includes(heading)) throw new Error(`the storefront page ${path} has no "${heading}" block`);
    log(`storefront GET ${path}: ${page.status}, blocks ${headings.join(", ")}`);
  }
  const proxied = JSON.parse((await get(storefront, "/apps/affinity/recommendations?placement=trending&limit=4")).text) as {
    products: ApiItem[];
  };
  if (!proxied.products.length) throw new Error("the storefront's app proxy answered no trending products");
  log(`storefront GET /apps/affinity/recommendations (signed by the app proxy): ${proxied.products.length} products`);
}

/** The home page's measured figures, as rendered: each must be there, a number, finite and not zero. */
const HOME_FIGURES = ["Attributed orders", "Attributed revenue", "Click-through", "Revenue per shopper vs holdout"];

function homeFigures(html: string): [string, string][] {
  return HOME_FIGURES.map((label) => {
    const shown = new RegExp(`>${label}</h3>\\s*<p[^>]*>([^<]*)</p>`).exec(html)?.[1]?.trim();
    if (!shown) throw new Error(`the admin home page shows no "${label}" figure`);
    const value = Number(shown.replace(/[$,%+\s]/g, ""));
    if (!Number.isFinite(value) || value === 0) throw new Error(`the admin home page's "${label}" is "${shown}", not a measured figure`);
    return [label, shown];
  });
}

/** The home page's quality table (placementQuality) from the served model's 30-day check, one line per placement. */
async function qualityRows(db: PrismaClient, shopId: string) {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { activeModelVersion: { select: { metrics: true } } } });
  const quality = readStoreQuality(shop.activeModelVersion?.metrics);
  if (!quality) throw new Error("the served model has no 30-day check for the home page's quality table");
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const table = placementQuality(quality);
  return [
    `quality on the last 30 days (${table.customers} customers, top ${table.k}; Recommended for you serves ${table.forYou}):`,
    ...table.rows.map(
      (row) =>
        `  ${row.placement} on ${row.view === "all" ? "any product" : "new products"}: ${percent(row.recall)} against ${row.baseline} ${percent(row.baselineRecall)}`,
    ),
  ];
}

async function get(origin: string, pathAndQuery: string) {
  const response = await fetch(origin + pathAndQuery, { signal: AbortSignal.timeout(120_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${pathAndQuery} answered ${response.status}: ${text.slice(0, 300)}`);
  return { status: response.status, text };
}

async function customerWithRepeatPurchases(db: PrismaClient, shopId: string) {
  const rows = await db.$queryRaw<{ customerId: string; name: string }[]>`
    SELECT c.id AS "customerId", c."firstName" || ' ' || c."lastName" AS name
    FROM "Interaction" i JOIN "Customer" c ON c.id = i."customerId"
    WHERE i."shopId" = ${shopId} AND i.kind = 'PURCHASE'
    GROUP BY c.id, c."firstName", c."lastName", i."productId"
    HAVING COUNT(*) > 1
    ORDER BY COUNT(*) DESC, c.id
    LIMIT 1`;
  return rows[0] ? { id: rows[0].customerId, name: rows[0].name } : null;
}
