import { AdminApiError, MissingAccessError, type AdminApi } from "../shopify/admin-api.server";
import { blocksReport, DEMO_THEME_FILES, findAppBlocks, type ThemeBlocksReport } from "./admin/theme-blocks";

/**
 * The published theme's files that can hold app blocks: templates (JSON), section groups, and
 * the settings where app embeds live. Needs the read_themes scope. `*` matches within a name;
 * customer templates sit one folder down.
 */
const THEME_FILES_QUERY = `#graphql
  query AffinityThemeBlocks($filenames: [String!]) {
    themes(first: 1, roles: [MAIN]) {
      nodes {
        id
        name
        files(filenames: $filenames, first: 250) {
          nodes { filename body { ... on OnlineStoreThemeFileBodyText { content } } }
        }
      }
    }
  }`;
const THEME_FILENAMES = ["templates/*.json", "templates/customers/*.json", "sections/*.json", "config/settings_data.json"];

interface ThemeFilesAnswer {
  themes: { nodes: { id: string; name: string; files: { nodes: { filename: string; body: { content?: string } }[] } | null }[] };
}

/** Reads the main theme's files and reports which of the app's blocks are in it, and where. */
export async function detectThemeBlocks(admin: AdminApi, context: { shopDomain: string; apiKey: string }): Promise<ThemeBlocksReport> {
  const data = await admin.request<ThemeFilesAnswer>(THEME_FILES_QUERY, { filenames: THEME_FILENAMES });
  const theme = data.themes.nodes[0];
  if (!theme) return blocksReport([], { ...context, source: "theme", themeName: null });
  const files = (theme.files?.nodes ?? [])
    .filter((file) => typeof file.body?.content === "string")
    .map((file) => ({ filename: file.filename, content: file.body.content! }));
  return blocksReport(findAppBlocks(files), { ...context, source: "theme", themeName: theme.name });
}

/** The demo store has no Shopify theme: its blocks are the ones the local storefront shows. */
export function demoThemeBlocks(context: { shopDomain: string; apiKey: string }): ThemeBlocksReport {
  return blocksReport(findAppBlocks(DEMO_THEME_FILES), { ...context, source: "demo", themeName: null });
}

const CACHE_MS = 2 * 60_000;
/** The home page does not wait longer than this for the theme; it says it could not read it. */
const READ_TIMEOUT_MS = 3_000;

function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the Admin API did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
const cache = new Map<string, { at: number; report: ThemeBlocksReport }>();

/**
 * The home page's status of the blocks: the last answer for the shop if it is recent (the theme
 * changes rarely, and the page should not wait on the Admin API each time), else a new reading.
 * A theme that cannot be read gives every block as not found, with the reason.
 */
export async function themeBlocksStatus(
  getAdmin: () => Promise<AdminApi>,
  context: { shopDomain: string; apiKey: string },
  now = Date.now(),
): Promise<ThemeBlocksReport> {
  const cached = cache.get(context.shopDomain);
  if (cached && now - cached.at < CACHE_MS) return cached.report;
  let report: ThemeBlocksReport;
  try {
    report = await withinTime(detectThemeBlocks(await getAdmin(), context), READ_TIMEOUT_MS);
  } catch (error) {
    const problem =
      error instanceof MissingAccessError
        ? "not-installed"
        : error instanceof AdminApiError && /read_themes|access/i.test(error.message)
          ? "scope"
          : "unreachable";
    console.error(`[theme-blocks] could not read the theme of ${context.shopDomain}: ${(error as Error).message}`);
    return { ...blocksReport([], { ...context, source: "theme", themeName: null }), problem };
  }
  cache.set(context.shopDomain, { at: now, report });
  return report;
}
