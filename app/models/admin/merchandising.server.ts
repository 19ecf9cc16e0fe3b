import type { PairStatus, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { publishInvalidation } from "../storefront/invalidation.server";
import { RULE_KINDS, RULE_PLACEMENTS, TARGET_TYPES } from "./constants";
import { field, validate, type Validated } from "./forms.server";

/**
 * Every change a merchant saves here reaches the storefront without retraining: the web
 * processes reload the shop's rules on the message, this one before `publishInvalidation`
 * returns (so a preview made right after the save already shows the change).
 */
async function rulesChanged(shopId: string) {
  await publishInvalidation({ shopId, scope: "rules" });
}

const target = { targetType: field.choice(TARGET_TYPES), targetValue: field.text(200, "errors.required") };

const promotionForm = z
  .object({
    id: z.string().optional(),
    name: field.text(80, "errors.name"),
    ...target,
    weight: field.number(0.1, 10, "errors.weight_range"),
    startsAt: field.date(),
    endsAt: field.date(),
  })
  .refine((value) => value.endsAt > value.startsAt, { path: ["endsAt"], message: "errors.ends_after_starts" });

export async function savePromotion(db: PrismaClient, shopId: string, input: unknown): Promise<Validated<{ id: string }>> {
  const checked = validate(promotionForm, input);
  if ("errors" in checked) return checked;
  const { id, ...data } = checked.data;
  if (id) {
    // An id that is not one of this shop's promotions changes nothing.
    const { count } = await db.promotion.updateMany({ where: { id, shopId }, data });
    if (!count) return { errors: { name: "errors.required" } };
  }
  const savedId = id ?? (await db.promotion.create({ data: { shopId, ...data } })).id;
  await rulesChanged(shopId);
  return { data: { id: savedId } };
}

export async function deletePromotion(db: PrismaClient, shopId: string, id: string) {
  await db.promotion.deleteMany({ where: { id, shopId } });
  await rulesChanged(shopId);
}

const curveForm = z.object({
  ...target,
  months: z.array(field.number(0, 4, "errors.curve_value")).length(12, { message: "errors.curve_value" }),
});

/** The merchant's own monthly curve for a group, which wins over the learned one. */
export async function saveCurve(db: PrismaClient, shopId: string, input: unknown): Promise<Validated<{ id: string }>> {
  const checked = validate(curveForm, input);
  if ("errors" in checked) return checked;
  const { targetType, targetValue, months } = checked.data;
  const saved = await db.seasonalityCurve.upsert({
    where: { shopId_targetType_targetValue_source: { shopId, targetType, targetValue, source: "MERCHANT" } },
    create: { shopId, targetType, targetValue, source: "MERCHANT", months },
    update: { months },
  });
  await rulesChanged(shopId);
  return { data: { id: saved.id } };
}

export async function resetCurve(db: PrismaClient, shopId: string, targetType: string, targetValue: string) {
  const type = TARGET_TYPES.find((known) => known === targetType);
  if (!type) return;
  await db.seasonalityCurve.deleteMany({ where: { shopId, targetType: type, targetValue, source: "MERCHANT" } });
  await rulesChanged(shopId);
}

const ruleForm = z
  .object({
    kind: field.choice(RULE_KINDS),
    placement: z.preprocess((value) => (value === "" || value === "ALL" ? null : value), field.choice(RULE_PLACEMENTS).nullable()),
    ...target,
    position: z.preprocess(
      (value) => (value === "" || value == null ? null : Number(value)),
      z
        .number({ message: "errors.position" })
        .int({ message: "errors.position" })
        .min(1, { message: "errors.position" })
        .max(50, { message: "errors.position" })
        .nullable(),
    ),
    weight: field.optionalNumber(1.1, 10, "errors.strength"),
  })
  .superRefine((value, context) => {
    if (value.kind === "PIN" && value.position == null)
      context.addIssue({ code: "custom", path: ["position"], message: "errors.pin_needs_position" });
    if ((value.kind === "BOOST" || value.kind === "BURY") && value.weight == null)
      context.addIssue({ code: "custom", path: ["weight"], message: "errors.boost_needs_strength" });
  });

export async function addRule(db: PrismaClient, shopId: string, input: unknown): Promise<Validated<{ id: string }>> {
  const checked = validate(ruleForm, input);
  if ("errors" in checked) return checked;
  const { kind, placement, targetType, targetValue, position, weight } = checked.data;
  const saved = await db.merchandisingRule.create({
    data: {
      shopId,
      kind,
      placement,
      targetType,
      targetValue,
      position: kind === "PIN" ? position : null,
      weight: kind === "BOOST" || kind === "BURY" ? weight : null,
    },
  });
  await rulesChanged(shopId);
  return { data: { id: saved.id } };
}

export async function deleteRule(db: PrismaClient, shopId: string, id: string) {
  await db.merchandisingRule.deleteMany({ where: { id, shopId } });
  await rulesChanged(shopId);
}

const filtersForm = z
  .object({
    inStockOnly: field.checkbox(),
    hidePurchased: field.checkbox(),
    maxPerProductType: z.preprocess(
      (value) => (value === "" || value == null ? null : Number(value)),
      z
        .number({ message: "errors.max_per_type" })
        .int({ message: "errors.max_per_type" })
        .min(1, { message: "errors.max_per_type" })
        .max(50, { message: "errors.max_per_type" })
        .nullable(),
    ),
    priceBandMin: field.optionalNumber(0.05, 20, "errors.price_band"),
    priceBandMax: field.optionalNumber(0.05, 20, "errors.price_band"),
  })
  .superRefine((value, context) => {
    const both = value.priceBandMin != null && value.priceBandMax != null;
    const neither = value.priceBandMin == null && value.priceBandMax == null;
    if ((!both && !neither) || (both && value.priceBandMin! >= value.priceBandMax!)) {
      context.addIssue({
        code: "custom",
        path: [value.priceBandMin == null ? "priceBandMin" : "priceBandMax"],
        message: "errors.price_band",
      });
    }
  });

/** In stock only, hide purchased, diversity (at most n per type) and the price band. */
export async function saveFilters(db: PrismaClient, shopId: string, input: unknown): Promise<Validated<true>> {
  const checked = validate(filtersForm, input);
  if ("errors" in checked) return checked;
  await db.shopSettings.upsert({ where: { shopId }, create: { shopId, ...checked.data }, update: checked.data });
  await rulesChanged(shopId);
  return { data: true };
}

/** Approve, reject or return a mined pair to the suggestions. */
export async function setPairStatus(db: PrismaClient, shopId: string, pairId: string, status: string) {
  const chosen = (["SUGGESTED", "APPROVED", "REJECTED"] as const).find((known) => known === status);
  if (!chosen) return;
  await db.boughtTogetherPair.updateMany({ where: { id: pairId, shopId }, data: { status: chosen } });
  await rulesChanged(shopId);
}

const manualPairForm = z
  .object({ productId: field.text(64, "errors.unknown_product"), relatedProductId: field.text(64, "errors.unknown_product") })
  .refine((value) => value.productId !== value.relatedProductId, { path: ["relatedProductId"], message: "errors.same_product" });

/** A pair the merchant adds by hand (Shopify's own complementary products are manual only). */
export async function addManualPair(db: PrismaClient, shopId: string, input: unknown): Promise<Validated<{ id: string }>> {
  const checked = validate(manualPairForm, input);
  if ("errors" in checked) return checked;
  const { productId, relatedProductId } = checked.data;
  const found = await db.product.count({ where: { shopId, id: { in: [productId, relatedProductId] } } });
  if (found !== 2) return { errors: { relatedProductId: "errors.unknown_product" } };
  const existing = await db.boughtTogetherPair.findFirst({
    where: {
      shopId,
      OR: [
        { productId, relatedProductId },
        { productId: relatedProductId, relatedProductId: productId },
      ],
    },
  });
  if (existing && existing.status !== "REJECTED" && existing.status !== "SUGGESTED")
    return { errors: { relatedProductId: "errors.pair_exists" } };
  const saved = existing
    ? await db.boughtTogetherPair.update({ where: { id: existing.id }, data: { status: "MANUAL" } })
    : await db.boughtTogetherPair.create({ data: { shopId, productId, relatedProductId, status: "MANUAL" } });
  await rulesChanged(shopId);
  return { data: { id: saved.id } };
}

/** The promotions, the latest start first. */
export async function listPromotions(db: PrismaClient, shopId: string) {
  return db.promotion.findMany({ where: { shopId }, orderBy: { startsAt: "desc" } });
}

/** Each target with a seasonality curve (by type, then value), with its learned and its own curve (null when it has none). */
export async function listCurveTargets(db: PrismaClient, shopId: string) {
  const curves = await db.seasonalityCurve.findMany({ where: { shopId }, orderBy: [{ targetType: "asc" }, { targetValue: "asc" }] });
  const targets = new Map<string, { targetType: string; targetValue: string; learned: number[] | null; yours: number[] | null }>();
  for (const curve of curves) {
    const key = `${curve.targetType}:${curve.targetValue}`;
    const entry = targets.get(key) ?? { targetType: curve.targetType, targetValue: curve.targetValue, learned: null, yours: null };
    entry[curve.source === "LEARNED" ? "learned" : "yours"] = curve.months;
    targets.set(key, entry);
  }
  return [...targets.values()];
}

/** The merchandising rules, the newest first. */
export async function listRules(db: PrismaClient, shopId: string) {
  return db.merchandisingRule.findMany({ where: { shopId }, orderBy: { createdAt: "desc" } });
}

/** One page of the pairs with a status, the strongest first, each with its two products' titles (the id when a product is gone). */
export async function listPairs(db: PrismaClient, shopId: string, status: PairStatus, take: number) {
  const pairs = await db.boughtTogetherPair.findMany({
    where: { shopId, status },
    orderBy: [{ lift: "desc" }, { support: "desc" }, { id: "asc" }],
    take,
  });
  const products = await db.product.findMany({
    where: { shopId, id: { in: pairs.flatMap((pair) => [pair.productId, pair.relatedProductId]) } },
    select: { id: true, title: true },
  });
  const titles = new Map(products.map((product) => [product.id, product.title]));
  return pairs.map((pair) => ({
    ...pair,
    product: titles.get(pair.productId) ?? pair.productId,
    related: titles.get(pair.relatedProductId) ?? pair.relatedProductId,
  }));
}

/** How many pairs the shop has in each status (a status without any is left out). */
export async function countPairsByStatus(db: PrismaClient, shopId: string): Promise<Record<string, number>> {
  const counts = await db.boughtTogetherPair.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } });
  return Object.fromEntries(counts.map((row) => [row.status, row._count._all]));
}
