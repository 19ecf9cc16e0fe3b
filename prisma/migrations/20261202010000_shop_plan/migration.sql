-- CreateEnum
CREATE TYPE "ShopPlan" AS ENUM ('FREE', 'GROWTH');

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "plan" "ShopPlan" NOT NULL DEFAULT 'FREE',
ADD COLUMN     "planCheckedAt" TIMESTAMP(3),
ADD COLUMN     "planSubscriptionId" TEXT;

