import type { Placement, PrismaClient } from "@prisma/client";
import { sumScores } from "../../engine/blend";
import type { CandidateTier } from "../../engine/rules";
import type { Recommendation } from "../../engine/types";
import type { CatalogueProduct, ListItem, ShopSnapshot } from "../storefront/snapshot.server";
import { RECENT_VIEWS, type Shopper } from "./shoppers.server";

/** Candidates by placement, best tier first; personal → similar → trending → best sellers. */
export async function candidateTiers(
  db: PrismaClient,
  snapshot: ShopSnapshot,
  placement: Placement,
  shopper: Shopper,
  shown: CatalogueProduct | undefined,
  cart: string[],
): Promise<CandidateTier[]> {
  const list = (listPlacement: Placement, subject: string | null | undefined) =>
    subject ? snapshot.list(db, listPlacement, subject) : Promise.resolve([]);
  // Lists are fetched now (from the cache, or the database once); merging waits until needed.
  const merged = async (listPlacement: Placement, subjects: string[]) => {
    const lists = await Promise.all(subjects.map((subject) => list(listPlacement, subject)));
    return () => {
      // One product's list is served as it is; several add up, the strongest source giving the reason.
      const nonEmpty = lists.filter((items) => items.length);
      return nonEmpty.length <= 1 ? (nonEmpty[0] ?? []) : sumScores(nonEmpty, (item) => item.productId);
    };
  };
  const context = shown ? [shown.id] : cart.length ? cart : shopper.recentlyViewed.slice(0, 3);
  const fallbacks = await shopWideTiers(db, snapshot);
  switch (placement) {
    case "FOR_YOU":
      return [tier("personal", await list("FOR_YOU", shopper.customerId)), tier("similar", await merged("RELATED", context)), ...fallbacks];
    case "BOUGHT_TOGETHER": {
      // The merchant's approved and hand-added pairs come first; rejected ones never show.
      const chosen = (shown && snapshot.pairs.chosen.get(shown.id)) || [];
      const rejected = (shown && snapshot.pairs.rejected.get(shown.id)) || new Set<string>();
      const notRejected = (items: ListItem[]) => items.filter((item) => !rejected.has(item.productId));
      const approved = chosen.map((productId, index) => ({
        productId,
        score: chosen.length - index,
        reason: { kind: "bought_with" as const, itemId: shown!.id },
      }));
      return [
        tier("similar", approved),
        tier("similar", notRejected(await list("BOUGHT_TOGETHER", shown?.id))),
        tier("similar", notRejected(await list("RELATED", shown?.id))),
        ...fallbacks,
      ];
    }
    case "RELATED":
      return [tier("similar", await list("RELATED", shown?.id)), tier("similar", await list("BOUGHT_TOGETHER", shown?.id)), ...fallbacks];
    case "CART":
      return [
        tier("similar", await merged("BOUGHT_TOGETHER", cart)),
        tier("similar", await merged("RELATED", cart)),
        tier("personal", await list("FOR_YOU", shopper.customerId)),
        ...fallbacks,
      ];
    case "TRENDING":
      return fallbacks;
    // These two name what the shopper did: nothing else may stand in for them.
    case "BUY_AGAIN":
      return [tier("personal", await list("BUY_AGAIN", shopper.customerId))];
    case "RECENTLY_VIEWED":
      return [
        {
          tier: "personal",
          candidates: shopper.recentlyViewed.map((itemId, index) => ({
            itemId,
            score: RECENT_VIEWS - index,
            reason: { kind: "viewed" },
          })),
        },
      ];
  }
}

/** The lists every shopper may see, the holdout group's only ones: trending, then best sellers. */
export async function shopWideTiers(db: PrismaClient, snapshot: ShopSnapshot): Promise<CandidateTier[]> {
  return [tier("trending", await snapshot.list(db, "TRENDING", "*")), tier("best_sellers", snapshot.bestSellers)];
}

function tier(name: CandidateTier["tier"], items: ListItem[] | Recommendation[] | (() => ListItem[])): CandidateTier {
  const asCandidates = (list: ListItem[] | Recommendation[]) =>
    list.map((item) => ("itemId" in item ? item : { itemId: item.productId, score: item.score, reason: item.reason }));
  return { tier: name, candidates: () => asCandidates(typeof items === "function" ? items() : items) };
}
