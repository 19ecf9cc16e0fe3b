import type { RecommendationAnswer, RecommendedProduct } from "../recommendations/index.server";

/**
 * The app proxy's answer as Liquid (`?format=liquid`), which Shopify renders in the shopper's
 * context before the block receives it: each product is read through `all_products[handle]`, so
 * its title, price and compare-at price (`money`, in the shopper's market currency, fixed market
 * prices included), availability, URL (under the shopper's locale) and variant are what the
 * product page shows that shopper. What only the app knows (token, holdout, reason, tier) is
 * written as plain JSON. Everything Liquid prints goes through the `json` filter, and every brace
 * in the app's own text is written as a JSON escape, so no product text can open a Liquid tag
 * or break out of the JSON.
 */

/** Shopify's `all_products` answers at most 20 distinct handles a page; later ones come back empty. */
export const MAX_LIQUID_HANDLES = 20;

/** The query parameter the block sends for this form; any other value keeps the JSON answer. */
const FORMAT_PARAMETER = "format";
const LIQUID_FORMAT = "liquid";

/** Shopify handles are letters, digits, `-` and `_`; anything else could not be a Liquid string literal safely, and names no product. */
const SAFE_HANDLE = /^[\p{L}\p{N}\p{M}_-]{1,255}$/u;

export function wantsLiquid(params: URLSearchParams): boolean {
  return params.get(FORMAT_PARAMETER) === LIQUID_FORMAT;
}

/**
 * How many candidates to ask the recommender for when the market may not sell some of them: twice
 * the block's size, within the handle limit. Liquid then prints the first `limit` the market sells
 * (the ranking's prefix does not depend on the limit, so the order is the JSON answer's).
 */
export function candidateCount(limit: number): number {
  return Math.min(MAX_LIQUID_HANDLES, Math.max(limit, limit * 2));
}

/** JSON text that Liquid prints as it is: `{` and `}` become \u007b and \u007d, which JSON reads back unchanged. */
function inert(value: unknown): string {
  return JSON.stringify(value ?? null).replace(/[{}]/g, (brace) => (brace === "{" ? "\\u007b" : "\\u007d"));
}

/** One product: Liquid looks it up in the shopper's market and prints it only if the market sells it. */
function productTemplate(product: RecommendedProduct, handle: string): string {
  const known = `"productId":${inert(product.productId)},"externalId":${inert(product.externalId)},"reason":${inert(product.reason)},"tier":${inert(product.tier)}`;
  return [
    `{%- assign p = all_products["${handle}"] -%}`,
    `{%- if p.id and p.available and shown < limit -%}`,
    `{{- sep -}}{${known},`,
    `"handle":{{ p.handle | json }},"title":{{ p.title | json }},"url":{{ p.url | json }},`,
    `"price":{{ p.price | json }},"priceText":{{ p.price | money | json }},`,
    `{%- if p.compare_at_price > p.price -%}"compareAtPrice":{{ p.compare_at_price | json }},"compareAtText":{{ p.compare_at_price | money | json }},{%- else -%}"compareAtPrice":null,"compareAtText":null,{%- endif -%}`,
    `{%- if p.featured_image -%}"image":{{ p.featured_image | image_url: width: 720 | json }},"imageAlt":{{ p.featured_image.alt | default: p.title | json }},{%- else -%}"image":null,"imageAlt":null,{%- endif -%}`,
    `"variantId":{{ p.selected_or_first_available_variant.id | json }},"available":true}`,
    `{%- assign sep = "," -%}{%- assign shown = shown | plus: 1 -%}`,
    `{%- endif -%}`,
  ].join("");
}

/**
 * The Liquid template for an answer: at most `limit` products the shopper's market sells, from the
 * first MAX_LIQUID_HANDLES distinct safe handles. Rendered, it is the JSON answer's shape plus each
 * product's `priceText` / `compareAtText` (the `money` filter's text) and the shopper's currency.
 */
export function liquidAnswer(answer: RecommendationAnswer, limit: number): string {
  const handles = new Set<string>();
  const products: string[] = [];
  for (const product of answer.products) {
    const handle = product.handle ?? "";
    if (!SAFE_HANDLE.test(handle) || handles.has(handle)) continue;
    if (handles.size === MAX_LIQUID_HANDLES) break;
    handles.add(handle);
    products.push(productTemplate(product, handle));
  }
  const head = `"placement":${inert(answer.placement)},"token":${inert(answer.token)},"holdout":${inert(answer.holdout)},"modelVersionId":${inert(answer.modelVersionId)}`;
  return [
    "{% layout none %}",
    `{%- assign limit = ${Math.max(1, Math.floor(limit))} -%}{%- assign shown = 0 -%}{%- assign sep = "" -%}`,
    `{${head},"currency":{{ cart.currency.iso_code | json }},"locale":{{ request.locale.iso_code | json }},"country":{{ localization.country.iso_code | json }},"products":[`,
    ...products,
    "]}",
  ].join("");
}
