import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import db from "../db.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, session, topic, shop } = await authenticate.webhook(request);
  console.log(`Received ${topic} webhook for ${shop}`);

  // Webhooks can arrive more than once; writing the current scopes again is harmless.
  const current = payload.current as string[];
  if (session) await db.session.update({ where: { id: session.id }, data: { scope: current.toString() } });
  return new Response();
};
