import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import prisma from "../db.server";
import { getRecommendations, type RecommendedProduct } from "../models/recommendations.server";
import { requirePreviewShop } from "../preview.server";
import styles from "../styles/preview.css?url";

export const links = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction = () => [{ title: "Affinity demo storefront" }];

const BLOCKS = [
  { placement: "FOR_YOU", heading: "Recommended for you" },
  { placement: "BOUGHT_TOGETHER", heading: "Frequently bought together" },
  { placement: "RELATED", heading: "You may also like" },
  { placement: "BUY_AGAIN", heading: "Buy it again" },
  { placement: "TRENDING", heading: "Trending now" },
] as const;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const shop = await requirePreviewShop();
  const params = new URL(request.url).searchParams;
  const [buyers, trending] = await Promise.all([
    prisma.order.groupBy({
      by: ["customerId"],
      where: { shopId: shop.id, customerId: { not: null } },
      _count: { _all: true },
      orderBy: { _count: { customerId: "desc" } },
      take: 30,
    }),
    getRecommendations(prisma, { shopId: shop.id, placement: "TRENDING", limit: 40 }),
  ]);
  const customers = await prisma.customer.findMany({
    where: { id: { in: buyers.map((b) => b.customerId!) } },
    select: { id: true, firstName: true, lastName: true, city: true },
  });
  const orderCount = new Map(buyers.map((b) => [b.customerId, b._count._all]));
  customers.sort((a, b) => (orderCount.get(b.id) ?? 0) - (orderCount.get(a.id) ?? 0));

  const customerId = params.get("customer") || customers[0]?.id || null;
  const productId = params.get("product") || trending[0]?.productId || null;
  const product = productId ? await prisma.product.findFirst({ where: { id: productId, shopId: shop.id } }) : null;
  const blocks = await Promise.all(
    BLOCKS.map(async (block) => ({
      ...block,
      items: await getRecommendations(prisma, { shopId: shop.id, placement: block.placement, customerId, productId, limit: 4 }),
    })),
  );
  return {
    shopName: shop.name ?? shop.domain,
    customers: customers.map((c) => ({ id: c.id, label: `${c.firstName} ${c.lastName} (${c.city}, ${orderCount.get(c.id)} orders)` })),
    products: trending.map((p) => ({ id: p.productId, label: p.title })),
    customerId,
    product: product && { id: product.id, title: product.title, image: product.imageUrl, price: Number(product.priceMin), description: product.description },
    blocks,
  };
};

export default function StorefrontPreview() {
  const { shopName, customers, products, customerId, product, blocks } = useLoaderData<typeof loader>();
  return (
    <main className="af-preview">
      <header className="af-preview__header">
        <h1>{shopName}</h1>
        <p>Storefront preview: the blocks a shopper sees, for the customer and product you choose.</p>
        <Form method="get" className="af-preview__form">
          <label>
            Customer
            <select name="customer" defaultValue={customerId ?? ""}>
              {customers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Product page
            <select name="product" defaultValue={product?.id ?? ""}>
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Show</button>
        </Form>
      </header>
      {product && (
        <section className="af-preview__product">
          {product.image && <img src={product.image} alt="" width={160} height={160} />}
          <div>
            <h2>{product.title}</h2>
            <p className="af-price">${product.price.toFixed(2)}</p>
            <p>{product.description}</p>
          </div>
        </section>
      )}
      {blocks.map((block) => (
        <section key={block.placement} className="af-block" data-placement={block.placement.toLowerCase()}>
          <h2>{block.heading}</h2>
          {block.items.length === 0 ? (
            <p className="af-block__empty">Nothing to show here for this shopper yet.</p>
          ) : (
            <ul className="af-grid">
              {block.items.map((item) => (
                <ProductCard key={item.productId} item={item} />
              ))}
            </ul>
          )}
        </section>
      ))}
    </main>
  );
}

function ProductCard({ item }: { item: RecommendedProduct }) {
  return (
    <li className="af-card">
      {item.image && <img src={item.image} alt="" width={200} height={200} loading="lazy" />}
      <a href={item.url}>{item.title}</a>
      <span className="af-price">
        ${item.price.toFixed(2)}
        {item.compareAtPrice && item.compareAtPrice > item.price && <s>${item.compareAtPrice.toFixed(2)}</s>}
      </span>
      <span className="af-reason">{item.reason}</span>
    </li>
  );
}
