/**
 * Serving: the storefront's recommendations, as the app proxy, the headless API and the admin's
 * preview ask for them. The query and its placements (query), the service with its caches
 * (service), the candidates by placement (tiers), the shopper's history (shoppers), the holdout
 * draw (holdout), the cards and their reasons (cards, reasons), and the tracking token's secret
 * and time (tokens).
 */
export type { ListItem } from "../storefront/snapshot.server";
export { answerRecommendationQuery } from "./answer.server";
export type { RecommendedProduct } from "./cards.server";
export {
  DEFAULT_LIMIT,
  MAX_LIMIT,
  parsePlacement,
  PLACEMENTS,
  readRecommendationQuery,
  type RecommendationQuery,
  type RecommendationRequest,
} from "./query.server";
export {
  getRecommendations,
  RecommendationError,
  recommendationService,
  RecommendationService,
  type RecommendationAnswer,
} from "./service.server";
export { tokenSecret } from "./tokens.server";
