-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN     "pixelKey" TEXT;

