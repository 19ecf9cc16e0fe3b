// An example of the headless API from a storefront's server (a Hydrogen or Remix loader, or
// plain Node): `AFFINITY_URL=http://localhost:3000 AFFINITY_API_KEY=afk_… npx tsx client/example.ts <product id>`.
import { AffinityApiError, createAffinityClient } from "./affinity-client";

const affinity = createAffinityClient({
  baseUrl: process.env.AFFINITY_URL ?? "http://localhost:3000",
  apiKey: process.env.AFFINITY_API_KEY ?? "",
});

// In a Hydrogen route: export async function loader({ params }) { return { together: await boughtTogether(params.productId) }; }
export async function boughtTogether(productId: string) {
  try {
    const { products, token } = await affinity.recommendations({ placement: "bought_together", productId, limit: 4 });
    return {
      token,
      products: products.map((product) => ({ title: product.title, url: product.url, price: product.price, reason: product.reason })),
    };
  } catch (error) {
    // Recommendations are an extra: the page renders without them.
    if (error instanceof AffinityApiError) console.warn(`recommendations unavailable: ${error.status} ${error.message}`);
    return { token: null, products: [] };
  }
}

if (process.argv[2]) console.log(JSON.stringify(await boughtTogether(process.argv[2]), null, 2));
