import prisma from "./db.server";
import { enqueueJob } from "./jobs.server";
import { storeWebhook } from "./models/webhooks.server";
import { authenticate } from "./shopify.server";
import { ingestWebhookJob } from "../workers/jobs/ingest-webhook";

/**
 * The whole of a data webhook route: check the HMAC (401 when it is wrong), store the raw
 * delivery once by its webhook id, queue its ingestion and answer at once. Shopify retries
 * deliveries and may send one more than once; a duplicate is acknowledged and ignored.
 */
export async function receiveWebhook(request: Request): Promise<Response> {
  const copy = request.clone();
  let delivery;
  try {
    const { webhookId, shop, topic, apiVersion } = await authenticate.webhook(request);
    // The library reports topics as ORDERS_CREATE; they are stored as Shopify sends them (orders/create).
    const sentTopic = copy.headers.get("x-shopify-topic") ?? String(topic);
    delivery = { webhookId, shopDomain: shop, topic: sentTopic, apiVersion, rawBody: await copy.text() };
  } catch (error) {
    if (error instanceof Response) throw error;
    // authenticate.webhook reads the body as JSON only after the signature checked out, so a
    // SyntaxError here is a signed delivery with a body that is not JSON: keep it, with its error.
    if (!(error instanceof SyntaxError)) throw error;
    delivery = {
      webhookId: copy.headers.get("x-shopify-webhook-id")!,
      shopDomain: copy.headers.get("x-shopify-shop-domain")!,
      topic: copy.headers.get("x-shopify-topic")!,
      apiVersion: copy.headers.get("x-shopify-api-version"),
      rawBody: await copy.text(),
      error: `the body is not JSON: ${error.message}`,
    };
  }
  const { event, duplicate } = await storeWebhook(prisma, delivery);
  if (!duplicate && !event.processedAt) {
    // If the queue is unreachable the delivery is still stored; the sweeper queues it later.
    await enqueueJob(ingestWebhookJob, { eventId: event.id }).catch((error: Error) =>
      console.error(`[webhooks] could not queue ${delivery.topic} ${event.id}: ${error.message}`),
    );
  }
  return new Response(null, { status: 200 });
}
