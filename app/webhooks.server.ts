import prisma from "./db.server";
import { Batcher } from "./db/batcher";
import { storeWebhooks, type Delivery } from "./models/webhooks.server";
import { processJobQueue } from "../workers/runtime";
import { authenticate } from "./shopify.server";
import { ingestWebhookJob } from "../workers/jobs/ingest-webhook";

/**
 * The whole of a data webhook route: check the HMAC (401 when it is wrong), store the raw
 * delivery once by its webhook id, queue its ingestion and answer at once. Shopify retries
 * deliveries and may send one more than once; a duplicate is acknowledged and ignored.
 */
export async function receiveWebhook(request: Request): Promise<Response> {
  // The body is read once and handed to authenticate.webhook with the headers it checks:
  // cheaper than cloning the request (the library's header handling grows with their number).
  const rawBody = await request.text();
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (name.startsWith("x-shopify-") || name === "content-type") headers.set(name, value);
  });
  const header = (name: string) => headers.get(name);
  let delivery: Delivery;
  try {
    const { webhookId, shop, topic, apiVersion } = await authenticate.webhook(new Request(request.url, { method: request.method, headers, body: rawBody }));
    // The library reports topics as ORDERS_CREATE; they are stored as Shopify sends them (orders/create).
    delivery = { webhookId, shopDomain: shop, topic: header("x-shopify-topic") ?? String(topic), apiVersion, rawBody };
  } catch (error) {
    if (error instanceof Response) throw error;
    // authenticate.webhook reads the body as JSON only after the signature checked out, so a
    // SyntaxError here is a signed delivery with a body that is not JSON: keep it, with its error.
    if (!(error instanceof SyntaxError)) throw error;
    delivery = {
      webhookId: header("x-shopify-webhook-id")!,
      shopDomain: header("x-shopify-shop-domain")!,
      topic: header("x-shopify-topic")!,
      apiVersion: header("x-shopify-api-version"),
      rawBody,
      error: `the body is not JSON: ${error.message}`,
    };
  }
  await inbox().add(delivery);
  return new Response(null, { status: 200 });
}

declare global {
  var affinityWebhookInbox: Batcher<Delivery, void> | undefined;
}

/**
 * Deliveries arriving together are stored by one statement and queued by one Redis call
 * (see Batcher): under a burst this is what keeps the acknowledgement fast.
 */
function inbox() {
  globalThis.affinityWebhookInbox ??= new Batcher<Delivery, void>(async (deliveries) => {
    const stored = await storeWebhooks(prisma, deliveries);
    const waiting = stored.filter((event) => !event.duplicate && !event.processedAt);
    // If the queue is unreachable the deliveries are still stored; the sweeper queues them later.
    await processJobQueue()
      .pushMany(ingestWebhookJob, waiting.map((event) => ({ eventId: event.id })))
      .catch((error: Error) => console.error(`[webhooks] could not queue ${waiting.length} deliveries: ${error.message}`));
    return deliveries.map(() => undefined);
  });
  return globalThis.affinityWebhookInbox;
}
