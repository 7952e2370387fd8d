-- DropTable
DROP TABLE "DedupThreshold";

-- CreateTable
CREATE TABLE "TierCalibration" (
    "id" SERIAL NOT NULL,
    "model" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "likely" DOUBLE PRECISION NOT NULL,
    "related" DOUBLE PRECISION NOT NULL,
    "likelyPrecision" DOUBLE PRECISION NOT NULL,
    "likelyRecall" DOUBLE PRECISION NOT NULL,
    "relatedPrecision" DOUBLE PRECISION NOT NULL,
    "relatedRecall" DOUBLE PRECISION NOT NULL,
    "positives" INTEGER NOT NULL,
    "negatives" INTEGER NOT NULL,
    "calibratedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TierCalibration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TierCalibration_model_scope_key" ON "TierCalibration"("model", "scope");
