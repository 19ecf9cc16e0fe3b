import type { Prisma, PrismaClient } from "@prisma/client";
import { forgetUser } from "../engine";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * customers/data_request: everything stored about the customer, as a record the merchant can
 * download from the admin and send to them.
 */
export async function exportCustomerData(db: Db, shopDomain: string, customerExternalId: string) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain } });
  const customer = shop
    ? await db.customer.findUnique({
        where: { shopId_externalId: { shopId: shop.id, externalId: customerExternalId } },
        include: { orders: { include: { lines: true }, orderBy: { processedAt: "asc" } }, visitors: true },
      })
    : null;
  let result: Prisma.InputJsonValue = { note: "No data is stored for this customer." };
  if (shop && customer) {
    const interactions = await db.interaction.findMany({
      where: { shopId: shop.id, customerId: customer.id },
      orderBy: { occurredAt: "asc" },
    });
    const productIds = [...new Set(interactions.flatMap((interaction) => (interaction.productId ? [interaction.productId] : [])))];
    const products = new Map(
      (
        await db.product.findMany({
          where: { shopId: shop.id, id: { in: productIds } },
          select: { id: true, externalId: true, title: true },
        })
      ).map((product) => [product.id, product]),
    );
    const record = {
      ...customer,
      interactions: interactions.map((interaction) => ({ ...interaction, product: products.get(interaction.productId ?? "") ?? null })),
    };
    result = JSON.parse(JSON.stringify(record, (_, value) => (typeof value === "bigint" ? value.toString() : value)));
  }
  return db.privacyRequest.create({
    data: { shopDomain, shopId: shop?.id ?? null, kind: "CUSTOMERS_DATA_REQUEST", customerExternalId, result, completedAt: new Date() },
  });
}

/**
 * customers/redact: deletes the customer, their interactions and personal lists, removes them
 * from every stored model artifact, keeps their orders only as anonymous totals, and blanks
 * stored webhook bodies that mention them. Afterwards their ids appear nowhere.
 */
export async function redactCustomer(db: PrismaClient, shopDomain: string, customerExternalId: string, orderExternalIds: string[] = []) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain } });
  const summary = { customer: false, interactions: 0, lists: 0, artifacts: 0, webhookBodies: 0, orders: 0 };
  if (shop) {
    const customer = await db.customer.findUnique({ where: { shopId_externalId: { shopId: shop.id, externalId: customerExternalId } } });
    if (customer) {
      summary.customer = true;
      // The customer's browsers and what they did before logging in go too.
      const visitors = await db.visitor.findMany({ where: { shopId: shop.id, customerId: customer.id }, select: { visitorKey: true } });
      const visitorKeys = visitors.map((visitor) => visitor.visitorKey);
      summary.interactions = (
        await db.interaction.deleteMany({
          where: { shopId: shop.id, OR: [{ customerId: customer.id }, { visitorKey: { in: visitorKeys } }] },
        })
      ).count;
      await db.visitor.deleteMany({ where: { shopId: shop.id, customerId: customer.id } });
      await db.checkoutVisitor.deleteMany({ where: { shopId: shop.id, visitorKey: { in: visitorKeys } } });
      await db.recommendationEvent.updateMany({ where: { shopId: shop.id, visitorKey: { in: visitorKeys } }, data: { visitorKey: null } });
      summary.lists = (await db.recommendationList.deleteMany({ where: { shopId: shop.id, subjectKey: customer.id } })).count;
      await db.recommendationEvent.updateMany({ where: { shopId: shop.id, customerId: customer.id }, data: { customerId: null } });
      const artifacts = await db.modelArtifact.findMany({ where: { modelVersion: { shopId: shop.id } } });
      for (const artifact of artifacts) {
        const { bytes, changed } = forgetUser(artifact.data, customer.id);
        if (!changed) continue;
        await db.modelArtifact.update({ where: { id: artifact.id }, data: { data: Buffer.from(bytes) } });
        summary.artifacts++;
      }
      summary.orders = (
        await db.order.updateMany({ where: { shopId: shop.id, customerId: customer.id }, data: { customerId: null } })
      ).count;
      await db.customer.delete({ where: { id: customer.id } });
      summary.webhookBodies += await blankWebhookBodies(db, shopDomain, customer.id);
    }
  }
  summary.webhookBodies += await blankWebhookBodies(db, shopDomain, customerExternalId);
  // Exports made for earlier data requests are the customer's data too.
  await db.privacyRequest.updateMany({
    where: { shopDomain, kind: "CUSTOMERS_DATA_REQUEST", customerExternalId },
    data: { customerExternalId: null, result: { redacted: true } },
  });
  for (const orderId of orderExternalIds) summary.webhookBodies += await blankWebhookBodies(db, shopDomain, orderId);
  await db.privacyRequest.create({
    // The request is recorded without the customer's id, which must not survive the redaction.
    data: {
      shopDomain,
      shopId: shop?.id ?? null,
      kind: "CUSTOMERS_REDACT",
      customerExternalId: null,
      result: summary,
      completedAt: new Date(),
    },
  });
  return summary;
}

/** shop/redact (48 hours after uninstall): everything of the shop goes; the request's record stays. */
export async function redactShop(db: PrismaClient, shopDomain: string) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain } });
  if (shop) await db.shop.delete({ where: { id: shop.id } });
  const sessions = await db.session.deleteMany({ where: { shop: shopDomain } });
  const webhooks = await db.webhookEvent.deleteMany({ where: { shopDomain } });
  await db.privacyRequest.create({
    data: {
      shopDomain,
      kind: "SHOP_REDACT",
      result: { shopDeleted: Boolean(shop), sessions: sessions.count, webhookEvents: webhooks.count },
      completedAt: new Date(),
    },
  });
}

async function blankWebhookBodies(db: PrismaClient, shopDomain: string, id: string): Promise<number> {
  if (!id) return 0;
  const { count } = await db.webhookEvent.updateMany({
    where: { shopDomain, rawBody: { contains: id } },
    data: { rawBody: '{"redacted":true}' },
  });
  return count;
}
