import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { login } from "../shopify.server";

// /auth/login: outside the Shopify admin, a merchant names their shop and is sent to Shopify to
// install or open the app (login() redirects); a missing or malformed domain is said inline.
const errorOf = async (request: Request) => {
  const errors = await login(request);
  if (!errors.shop) return { error: null };
  return {
    error:
      errors.shop === LoginErrorType.MissingShop
        ? "Enter your shop's domain."
        : "Enter the shop's domain as it ends in .myshopify.com, e.g. my-shop.myshopify.com.",
  };
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  // The first visit shows the form; only a submitted domain is checked.
  if (!new URL(request.url).searchParams.has("shop")) return { error: null };
  return errorOf(request);
};
export const action = async ({ request }: ActionFunctionArgs) => errorOf(request);

export default function Login() {
  const error = useActionData<typeof action>()?.error ?? useLoaderData<typeof loader>().error;
  return (
    <main style={{ maxWidth: 420, margin: "4rem auto", fontFamily: "system-ui, sans-serif" }}>
      <h1>Log in to Affinity</h1>
      <Form method="post">
        <label htmlFor="shop">Shop domain</label>
        <input
          id="shop"
          name="shop"
          type="text"
          placeholder="my-shop.myshopify.com"
          aria-invalid={!!error}
          aria-describedby={error ? "shop-error" : undefined}
          style={{ display: "block", width: "100%", margin: "0.5rem 0" }}
        />
        {error && (
          <p id="shop-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit">Log in</button>
      </Form>
    </main>
  );
}
