import { register } from "@shopify/web-pixels-extension";
import {
  fromCheckoutCompleted,
  fromProductAddedToCart,
  fromProductViewed,
  fromSearchSubmitted,
  fromWishlistEvent,
  WISHLIST_EVENT,
  type PixelBatch,
  type PixelEvent,
} from "./events";

register(({ analytics, browser, init, settings, customerPrivacy }) => {
  const endpoint = String(settings.endpoint ?? "");
  const key = String(settings.pixelKey ?? "");
  if (!endpoint || !key) return;

  let analyticsAllowed = init.customerPrivacy?.analyticsProcessingAllowed === true;

  // Each event goes out at once: the sandbox ends with the page, so nothing may wait in memory.
  const send = (event: PixelEvent | null, clientId: string) => {
    if (!event || !analyticsAllowed) return;
    const batch: PixelBatch = {
      shop: init.data.shop.myshopifyDomain,
      key,
      clientId,
      consent: { analytics: analyticsAllowed },
      events: [event],
    };
    void browser.sendBeacon(endpoint, JSON.stringify(batch));
  };

  customerPrivacy.subscribe("visitorConsentCollected", (event) => {
    analyticsAllowed = event.customerPrivacy.analyticsProcessingAllowed === true;
  });

  analytics.subscribe("product_viewed", (event) => send(fromProductViewed(event), event.clientId));
  analytics.subscribe("product_added_to_cart", (event) => send(fromProductAddedToCart(event), event.clientId));
  analytics.subscribe("search_submitted", (event) => send(fromSearchSubmitted(event), event.clientId));
  analytics.subscribe("checkout_completed", (event) => send(fromCheckoutCompleted(event), event.clientId));
  analytics.subscribe(WISHLIST_EVENT, (event) => send(fromWishlistEvent(event as never), event.clientId));
});
