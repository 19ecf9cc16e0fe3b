import type { Reason } from "../../engine/types";

/** A reason in the shopper's words, naming the product it points to where its title is known. */
export function describeReason(reason: Reason, titleOf: (productId: string) => string | undefined): string {
  const other = "itemId" in reason ? titleOf(reason.itemId) : undefined;
  switch (reason.kind) {
    case "bought_with":
      return other ? `Often bought with ${other}` : "Often bought together";
    case "because_you_bought":
      return other ? `Because you bought ${other}` : "Based on your purchases";
    case "buy_again":
      return "Time to restock";
    case "trending":
      if (reason.season) return "Popular this time of year";
      return reason.collection ? `Trending in ${reason.collection}` : "Trending now";
    case "similar":
      return other ? `Similar to ${other}` : "You may also like";
    case "viewed":
      return "You viewed this";
    case "featured":
      return "Featured";
    default:
      return "Popular in this store";
  }
}
