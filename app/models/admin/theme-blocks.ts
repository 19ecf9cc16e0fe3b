/**
 * Which of the app's blocks are live in the store's published theme. Shared by the server
 * (which reads the theme's files through the Admin API) and the page (which asks App Bridge's
 * `shopify.app.extensions()` where embedded), so it imports nothing of the server.
 */

/** The app's handle, as in shopify.app.toml: theme files name app blocks by it. */
export const APP_HANDLE = "affinity-recommendations";
/** The theme app extension's handle (extensions/affinity-blocks/shopify.extension.toml's folder). */
const EXTENSION_HANDLE = "affinity-blocks";

/** The app's blocks (extensions/affinity-blocks/blocks/<handle>.liquid) and the template each is added to first. */
export const APP_BLOCKS = [
  { handle: "recommended-for-you", template: "index", placement: "FOR_YOU" },
  { handle: "trending", template: "index", placement: "TRENDING" },
  { handle: "buy-again", template: "customers/account", placement: "BUY_AGAIN" },
  { handle: "bought-together", template: "product", placement: "BOUGHT_TOGETHER" },
  { handle: "also-like", template: "product", placement: "RELATED" },
  { handle: "recently-viewed", template: "product", placement: "RECENTLY_VIEWED" },
] as const;

export type BlockHandle = (typeof APP_BLOCKS)[number]["handle"];

/** One of the app's blocks placed in a theme file. */
export interface BlockPlacement {
  block: string;
  /** The template (product, index, product.alternate, customers/account) or section group (header-group). */
  template: string;
  /** Turned off in the theme editor (the block or the section holding it). */
  disabled: boolean;
}

export interface ThemeBlocksReport {
  /** Where the answer came from: the theme's files, App Bridge, or the demo storefront. */
  source: "theme" | "app-bridge" | "demo";
  themeName: string | null;
  blocks: { handle: string; placement: string; template: string; live: string[]; disabled: string[]; addLink: string }[];
  /** Why the theme could not be read (the blocks are then all shown as not found). */
  problem?: "scope" | "not-installed" | "unreachable";
}

/**
 * The theme editor with the block ready to add: the documented app block deep link
 * (addAppBlockId=<api key>/<block handle>); product templates take it into their main section.
 */
export function addBlockLink(shopDomain: string, apiKey: string, block: string, template: string) {
  const target = template === "product" ? "mainSection" : "newAppsSection";
  const params = new URLSearchParams({ template, addAppBlockId: `${apiKey}/${block}`, target });
  return `https://${shopDomain}/admin/themes/current/editor?${params}`;
}

/** A theme file's JSON: Shopify writes a comment above generated templates, which JSON.parse refuses. */
function parseThemeJson(content: string): unknown {
  return JSON.parse(content.replace(/^\s*(\/\*[\s\S]*?\*\/\s*)+/, ""));
}

/** templates/product.alternate.json → product.alternate; sections/header-group.json → header-group. */
function templateOfFile(filename: string) {
  return filename.replace(/^(templates|sections|config)\//, "").replace(/\.json$/, "");
}

/**
 * The app's blocks in theme files: every block whose type is
 * shopify://apps/<app handle>/blocks/<block handle>/<extension uuid>, at any depth (sections,
 * their blocks, nested theme blocks, app embeds in settings_data.json), with whether it is off.
 */
export function findAppBlocks(files: { filename: string; content: string }[], appHandle = APP_HANDLE): BlockPlacement[] {
  const prefix = `shopify://apps/${appHandle}/blocks/`;
  const found: BlockPlacement[] = [];
  const visit = (node: unknown, template: string, parentDisabled: boolean) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach((child) => visit(child, template, parentDisabled));
    const record = node as Record<string, unknown>;
    const disabled = parentDisabled || record.disabled === true;
    if (typeof record.type === "string" && record.type.startsWith(prefix)) {
      found.push({ block: record.type.slice(prefix.length).split("/")[0], template, disabled });
    }
    for (const value of Object.values(record)) visit(value, template, disabled);
  };
  for (const file of files) {
    let json: unknown;
    try {
      json = parseThemeJson(file.content);
    } catch {
      continue; // A file the theme editor could not open either; it holds no live block.
    }
    visit(json, templateOfFile(file.filename), false);
  }
  return found;
}

/** The report the home page shows, from where the blocks were found. */
export function blocksReport(
  placements: BlockPlacement[],
  context: { shopDomain: string; apiKey: string; source: ThemeBlocksReport["source"]; themeName: string | null },
): ThemeBlocksReport {
  const unique = (values: string[]) => [...new Set(values)].sort();
  return {
    source: context.source,
    themeName: context.themeName,
    blocks: APP_BLOCKS.map(({ handle, template, placement: shows }) => {
      const mine = placements.filter((placement) => placement.block === handle);
      return {
        handle,
        placement: shows,
        template,
        live: unique(mine.filter((placement) => !placement.disabled).map((placement) => placement.template)),
        disabled: unique(mine.filter((placement) => placement.disabled).map((placement) => placement.template)),
        addLink: addBlockLink(context.shopDomain, context.apiKey, handle, template),
      };
    }),
  };
}

/** The shape `shopify.app.extensions()` answers (App Bridge's ExtensionInfo), as far as it is read here. */
export interface ExtensionActivations {
  handle: string;
  type: string;
  activations: { handle?: string; target?: string; status?: string; activations?: { target: string; themeId: string }[] }[];
}

/**
 * Placements from App Bridge: the theme app extension's activations are its blocks, each with
 * where it is placed in the published theme (target "template--product/main/<block id>").
 */
export function placementsFromAppBridge(extensions: ExtensionActivations[]): BlockPlacement[] {
  const extension = extensions.find((candidate) => candidate.type === "theme_app_extension" && candidate.handle === EXTENSION_HANDLE);
  if (!extension) return [];
  return extension.activations.flatMap((block) =>
    (block.activations ?? []).map((placement) => ({
      block: block.handle ?? "",
      template: placement.target.split("/")[0].replace(/^(template|group|section)s?--/, ""),
      disabled: false,
    })),
  );
}

/**
 * The demo store's theme: the blocks the local storefront shows on each page
 * (storefront-harness/harness.ts renders the same ones), as theme templates would hold them.
 */
export const DEMO_THEME_FILES = Object.entries({
  index: ["recommended-for-you", "buy-again", "trending", "recently-viewed"],
  product: ["bought-together", "also-like", "recently-viewed"],
  cart: ["recommended-for-you"],
  "customers/account": ["buy-again", "recommended-for-you"],
}).map(([template, blocks]) => ({
  filename: `templates/${template}.json`,
  content: JSON.stringify({
    sections: {
      apps: {
        type: "apps",
        blocks: Object.fromEntries(
          blocks.map((block, index) => [`${block}-${index}`, { type: `shopify://apps/${APP_HANDLE}/blocks/${block}/demo`, settings: {} }]),
        ),
      },
    },
    order: ["apps"],
  }),
}));
