-- CreateEnum
CREATE TYPE "ApiKeyKind" AS ENUM ('PUBLISHABLE', 'SECRET');

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "checkoutToken" TEXT;

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "kind" "ApiKeyKind" NOT NULL DEFAULT 'SECRET';

-- AlterTable
ALTER TABLE "RecommendationEvent" ADD COLUMN     "dedupeKey" TEXT;

-- CreateTable
CREATE TABLE "CheckoutVisitor" (
    "shopId" TEXT NOT NULL,
    "checkoutToken" TEXT NOT NULL,
    "visitorKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CheckoutVisitor_pkey" PRIMARY KEY ("shopId","checkoutToken")
);

-- CreateIndex
CREATE INDEX "Order_shopId_checkoutToken_idx" ON "Order"("shopId", "checkoutToken");

-- CreateIndex
CREATE UNIQUE INDEX "RecommendationEvent_shopId_dedupeKey_key" ON "RecommendationEvent"("shopId", "dedupeKey");

-- AddForeignKey
ALTER TABLE "CheckoutVisitor" ADD CONSTRAINT "CheckoutVisitor_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

