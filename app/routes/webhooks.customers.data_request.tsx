import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks.server";

// A mandatory compliance webhook. It can arrive more than once: the delivery is stored once by
// its webhook id, and carrying out the request again finds nothing left to do.
export const action = async ({ request }: ActionFunctionArgs) => receiveWebhook(request);
