/** Choices the admin's forms offer, shared by the pages and the server code that checks them. */
export const PERIODS = [7, 30, 90] as const;
export const TARGET_TYPES = ["PRODUCT", "COLLECTION", "TAG", "PRODUCT_TYPE", "VENDOR"] as const;
export const RULE_KINDS = ["PIN", "EXCLUDE", "BOOST", "BURY"] as const;
export const RULE_PLACEMENTS = ["FOR_YOU", "BOUGHT_TOGETHER", "RELATED", "TRENDING", "BUY_AGAIN", "RECENTLY_VIEWED", "CART"] as const;
export const PAIR_STATUSES = ["SUGGESTED", "APPROVED", "REJECTED", "MANUAL"] as const;
