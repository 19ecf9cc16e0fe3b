/** One documented payload per ingested topic, as Shopify sends it (REST format), for the fuzz tests to bend. */
const order = {
  id: 820982911946154508,
  name: "#1001",
  currency: "USD",
  total_price: "398.00",
  financial_status: "paid",
  test: false,
  created_at: "2026-11-01T10:00:00-05:00",
  processed_at: "2026-11-01T10:00:00-05:00",
  updated_at: "2026-11-01T10:00:00-05:00",
  cancelled_at: null,
  customer: {
    id: 115310627314723954, email: "bob@example.com", first_name: "Bob", last_name: "Norman", tags: "vip, wholesale",
    default_address: { country_code: "CA", province_code: "ON", city: "Toronto" }, email_marketing_consent: { state: "subscribed" },
  },
  billing_address: { country_code: "CA" },
  line_items: [
    { id: 866550311766439020, product_id: 632910392, variant_id: 808950810, title: "IPod Nano - 8GB", quantity: 1, price: "199.00", gift_card: false },
    { id: 141249953214522974, product_id: 921728736, variant_id: 447654529, title: "IPod Touch 8GB", quantity: 1, price: "199.00", gift_card: false },
  ],
};
const product = {
  id: 632910392,
  title: "IPod Nano - 8GB",
  body_html: "<p>It's the <strong>small</strong> iPod</p>",
  vendor: "Apple",
  product_type: "Cult Products",
  handle: "ipod-nano",
  status: "active",
  tags: "Emotive, Flash Memory",
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-02T00:00:00Z",
  published_at: "2026-01-01T00:00:00Z",
  image: { src: "https://cdn.shopify.com/s/files/ipod-nano.png", alt: "iPod Nano" },
  variants: [{ id: 808950810, title: "Pink", sku: "IPOD2008PINK", price: "199.00", compare_at_price: "249.00", inventory_quantity: 10, inventory_item_id: 808950810 }],
};
const refund = {
  id: 509562969,
  order_id: 820982911946154508,
  created_at: "2026-11-03T10:00:00-05:00",
  refund_line_items: [{ id: 104689539, line_item_id: 866550311766439020, quantity: 1, subtotal: "199.00", line_item: { product_id: 632910392 } }],
};

export const WEBHOOK_EXAMPLES: Record<string, object> = {
  "orders/create": order,
  "orders/updated": order,
  "orders/cancelled": { ...order, cancelled_at: "2026-11-02T10:00:00-05:00" },
  "products/create": product,
  "products/update": product,
  "products/delete": { id: 632910392 },
  "customers/create": order.customer,
  "customers/update": order.customer,
  "refunds/create": refund,
  "inventory_levels/update": { inventory_item_id: 808950810, location_id: 487838322, available: 3, updated_at: "2026-11-04T10:00:00-05:00" },
  "customers/data_request": { shop_domain: "fuzz.myshopify.com", customer: { id: 115310627314723954 }, orders_requested: [820982911946154508] },
  "customers/redact": { shop_domain: "fuzz.myshopify.com", customer: { id: 115310627314723954 }, orders_to_redact: [820982911946154508] },
  "shop/redact": { shop_domain: "fuzz.myshopify.com" },
};
