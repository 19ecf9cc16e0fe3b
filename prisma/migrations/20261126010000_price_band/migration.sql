-- The price band of serve-time rules, relative to the product shown.
ALTER TABLE "ShopSettings" ADD COLUMN     "priceBandMax" DOUBLE PRECISION,
ADD COLUMN     "priceBandMin" DOUBLE PRECISION;
