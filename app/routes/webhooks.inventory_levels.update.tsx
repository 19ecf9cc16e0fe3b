import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks.server";

// Webhooks can arrive more than once and out of order: the delivery is stored once by its
// webhook id, and ingestion keeps whichever version of the record is newest.
export const action = async ({ request }: ActionFunctionArgs) => receiveWebhook(request);
