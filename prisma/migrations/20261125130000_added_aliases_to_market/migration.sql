-- AlterTable
ALTER TABLE "market" ADD COLUMN     "aliases" TEXT[] DEFAULT ARRAY[]::TEXT[];
