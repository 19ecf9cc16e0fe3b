import { PLACEMENT_PARAMS, TIERS } from "../../engine/placements";
import { API_REQUESTS_PER_SECOND } from "./headless-answer.server";

const product = {
  type: "object",
  required: [
    "productId",
    "externalId",
    "handle",
    "title",
    "url",
    "price",
    "compareAtPrice",
    "image",
    "imageAlt",
    "variantId",
    "available",
    "reason",
    "tier",
  ],
  properties: {
    productId: { type: "string", description: "Affinity's id of the product." },
    externalId: { type: "string", description: "The store's id of the product (Shopify's numeric id, or the headless store's own)." },
    handle: { type: ["string", "null"] },
    title: { type: "string" },
    url: { type: "string", description: "Path of the product page, e.g. /products/alpine-tent." },
    price: { type: "number" },
    compareAtPrice: { type: ["number", "null"] },
    image: { type: ["string", "null"], format: "uri" },
    imageAlt: { type: ["string", "null"] },
    variantId: { type: ["string", "null"], description: "The variant to add to the cart: the cheapest in stock." },
    available: { type: "boolean" },
    reason: { type: "string", description: 'A short reason to show, e.g. "Often bought with Alpine Tent".' },
    tier: {
      type: "string",
      enum: TIERS,
      description: "Which source the product came from.",
    },
  },
} as const;

const error = {
  type: "object",
  required: ["error"],
  properties: {
    error: { type: "string" },
    errors: {
      type: "array",
      items: { type: "object", required: ["field", "message"], properties: { field: { type: "string" }, message: { type: "string" } } },
    },
  },
} as const;

/** The headless API, served at /api/v1/openapi.json. */
export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Affinity headless recommendations API",
    version: "1.0.0",
    description: `Product recommendations for headless storefronts. Authenticate with a key created in the app's Settings. A publishable key (afk_pk_…) may be called from browsers on its allowed origins and never names a shopper itself: a shopper's own lists need a shopper token, minted by your server. A secret key (afk_sk_…) is for servers only and is refused when an Origin header is present. At most ${API_REQUESTS_PER_SECOND} requests per second per key.`,
  },
  servers: [{ url: "/" }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "An API key (afk_pk_… or afk_sk_…). X-Affinity-Key: <key> works too." },
    },
    schemas: {
      Product: product,
      Error: error,
      Recommendations: {
        type: "object",
        required: ["placement", "token", "holdout", "modelVersionId", "products"],
        properties: {
          placement: { type: "string", enum: PLACEMENT_PARAMS },
          token: { type: "string", description: "Send it back with impressions and clicks; orders that follow are attributed to it." },
          holdout: { type: "boolean", description: "The shopper is in the holdout group and sees shop-wide lists only." },
          modelVersionId: { type: ["string", "null"] },
          products: { type: "array", items: { $ref: "#/components/schemas/Product" } },
        },
      },
    },
  },
  paths: {
    "/api/v1/recommendations": {
      get: {
        operationId: "getRecommendations",
        summary: "Recommended products for a placement, a shopper and a page",
        parameters: [
          {
            name: "placement",
            in: "query",
            schema: {
              type: "string",
              enum: PLACEMENT_PARAMS,
              default: "for_you",
            },
          },
          {
            name: "product_id",
            in: "query",
            description: "The product shown (the store's id); required for bought_together and related.",
            schema: { type: "string" },
          },
          { name: "cart", in: "query", description: "Products in the cart, comma-separated store ids.", schema: { type: "string" } },
          {
            name: "customer_id",
            in: "query",
            description: "The logged-in customer (the store's id). Secret keys only; a publishable key sends shopper_token.",
            schema: { type: "string", maxLength: 255 },
          },
          {
            name: "visitor",
            in: "query",
            description:
              "An anonymous browser id, stable per shopper (recently viewed, holdout). Secret keys only; a publishable key sends shopper_token.",
            schema: { type: "string", maxLength: 128 },
          },
          {
            name: "shopper_token",
            in: "query",
            description:
              "A shopper token from POST /api/v1/shopper-tokens (or the X-Affinity-Shopper-Token header): the shopper whose lists to read.",
            schema: { type: "string" },
          },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 50, default: 8 } },
          { name: "shop", in: "query", description: "Optional: the shop's domain, checked against the key's.", schema: { type: "string" } },
        ],
        responses: {
          "200": {
            description: "The recommendations",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Recommendations" } } },
          },
          "400": {
            description: "A parameter is not valid; errors names each",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
          "401": {
            description: "No key, or an unknown or revoked one",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
          "403": {
            description: "A secret key from a browser, an origin the key does not allow, or a key of another shop",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
          "429": {
            description: "Too many requests with this key; see Retry-After",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        },
      },
    },
    "/api/v1/events": {
      post: {
        operationId: "recordEvents",
        summary: "Impressions, clicks and add-to-carts of recommended products",
        parameters: [
          {
            name: "customer_id",
            in: "query",
            description: "The logged-in customer (the store's id). Secret keys only.",
            schema: { type: "string", maxLength: 255 },
          },
          {
            name: "shopper_token",
            in: "query",
            description: "The shopper token the answer was read with (or the X-Affinity-Shopper-Token header).",
            schema: { type: "string" },
          },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["token", "kind", "productIds"],
                properties: {
                  token: { type: "string", description: "The token of the answer the products came from." },
                  kind: { type: "string", enum: ["impression", "click", "add_to_cart"] },
                  productIds: {
                    type: "array",
                    items: { type: "string" },
                    minItems: 1,
                    maxItems: 50,
                    description: "The store's ids: all shown, or the one clicked.",
                  },
                  visitor: { type: "string", maxLength: 128, description: "Secret keys only, as on the answer." },
                },
              },
            },
          },
        },
        responses: {
          "202": {
            description: "Recorded; a product already reported for this answer and kind counts once",
            content: {
              "application/json": {
                schema: { type: "object", properties: { recorded: { type: "integer" }, duplicates: { type: "integer" } } },
              },
            },
          },
          "400": {
            description: "The event is not valid; errors names each field",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
          "401": {
            description: "No key, or an unknown or revoked one",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
          "403": {
            description:
              "The token is not one of this shop's answers, has expired, or was issued to another shopper; or the origin is not allowed",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
          "429": {
            description: "Too many requests with this key, or reports from this shopper; see Retry-After",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        },
      },
    },
    "/api/v1/shopper-tokens": {
      post: {
        operationId: "createShopperToken",
        summary: "A short-lived token for one shopper, minted by your server with a secret key",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  customerId: { type: "string", maxLength: 255, description: "The logged-in customer (the store's id)." },
                  visitor: { type: "string", maxLength: 128, description: "The shopper's browser id." },
                  ttlSeconds: { type: "integer", minimum: 60, maximum: 86400, default: 3600 },
                },
              },
            },
          },
        },
        responses: {
          "201": {
            description: "The token, for the shopper's browser to send as shopper_token",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["token", "expiresAt"],
                  properties: { token: { type: "string" }, expiresAt: { type: "string", format: "date-time" } },
                },
              },
            },
          },
          "400": {
            description: "No shopper named, or a field is not valid",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
          "401": {
            description: "No key, or an unknown or revoked one",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
          "403": {
            description: "A publishable key, or a call from a browser",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        },
      },
    },
  },
} as const;
