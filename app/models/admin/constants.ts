import { PLACEMENTS } from "../../engine/placements";

/** Choices the admin's forms offer, shared by the pages and the server code that checks them. */
export const PERIODS = [7, 30, 90] as const;
export const TARGET_TYPES = ["PRODUCT", "COLLECTION", "TAG", "PRODUCT_TYPE", "VENDOR"] as const;
export const RULE_KINDS = ["PIN", "EXCLUDE", "BOOST", "BURY"] as const;
/** A rule may name any placement. */
export const RULE_PLACEMENTS = PLACEMENTS;
export const PAIR_STATUSES = ["SUGGESTED", "APPROVED", "REJECTED", "MANUAL"] as const;
