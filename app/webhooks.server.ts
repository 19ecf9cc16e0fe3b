import prisma from "./db.server";
import { Batcher } from "./db/batcher";
import { storeWebhooks, type Delivery } from "./models/webhooks.server";
import { textProblem } from "./text-input.server";
import { processJobQueue } from "./jobs/runtime";
import { authenticate } from "./shopify.server";
import { ingestWebhookJob } from "./jobs/definitions/ingest-webhook";

/**
 * The whole of a data webhook route: check the HMAC (401 when it is wrong), store the raw
 * delivery once by its webhook id, queue its ingestion and answer at once. Shopify retries
 * deliveries and may send one more than once; a duplicate is acknowledged and ignored.
 */
export async function receiveWebhook(request: Request): Promise<Response> {
  // The body is read once and handed to authenticate.webhook with the headers it checks:
  // cheaper than cloning the request (the library's header handling grows with their number).
  // It has to be read before its HMAC can be checked; the server refused it unread if it was
  // over MAX_WEBHOOK_BODY_BYTES (app/http/body-limits.server.ts).
  const rawBody = await request.text();
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (name.startsWith("x-shopify-") || name === "content-type") headers.set(name, value);
  });
  const header = (name: string) => headers.get(name);
  let delivery: Delivery;
  try {
    const { webhookId, shop, topic, apiVersion } = await authenticate.webhook(
      new Request(request.url, { method: request.method, headers, body: rawBody }),
    );
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
  // A NUL byte cannot be stored as text (nor is it JSON): keep the delivery quoted, with its error,
  // rather than fail the batch of deliveries it is stored with.
  if (textProblem(delivery.rawBody, Number.MAX_SAFE_INTEGER)) {
    delivery = {
      ...delivery,
      rawBody: JSON.stringify(delivery.rawBody),
      error: "the body holds a NUL byte or invalid Unicode; it is kept JSON-quoted",
    };
  }
  await inbox().add(delivery);
  return new Response(null, { status: 200 });
}

declare global {
  var affinityWebhookInbox: Batcher<Delivery, void> | undefined;
}

/** Deliveries handed to the queue that Redis has not taken yet; past this many, the sweeper queues them. */
const MAX_UNCONFIRMED_PUSHES = 10_000;
let unconfirmedPushes = 0;

/**
 * Deliveries arriving together are stored by one statement and queued by one Redis call
 * (see Batcher): under a burst this is what keeps the acknowledgement fast.
 */
function inbox() {
  globalThis.affinityWebhookInbox ??= new Batcher<Delivery, void>(async (deliveries) => {
    const stored = await storeWebhooks(prisma, deliveries);
    const waiting = stored.filter((event) => !event.duplicate && !event.processedAt);
    // The acknowledgement does not wait for the queue: while Redis is down BullMQ holds the call
    // until it is back. The deliveries are stored; what the queue never takes, the sweeper queues.
    if (waiting.length && unconfirmedPushes + waiting.length <= MAX_UNCONFIRMED_PUSHES) {
      unconfirmedPushes += waiting.length;
      void processJobQueue()
        .pushMany(
          ingestWebhookJob,
          waiting.map((event) => ({ eventId: event.id })),
        )
        .catch((error: Error) => console.error(`[webhooks] could not queue ${waiting.length} deliveries: ${error.message}`))
        .finally(() => (unconfirmedPushes -= waiting.length));
    }
    return deliveries.map(() => undefined);
  });
  return globalThis.affinityWebhookInbox;
}
