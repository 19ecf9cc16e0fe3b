import { openApiDocument } from "../models/storefront/openapi.server";

// GET /api/v1/openapi.json: the headless API's OpenAPI document.
export const loader = () =>
  Response.json(openApiDocument, { headers: { "Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300" } });
