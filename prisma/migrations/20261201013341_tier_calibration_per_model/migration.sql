-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "DedupThreshold";
PRAGMA foreign_keys=on;

-- CreateTable
CREATE TABLE "TierCalibration" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "model" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "likely" REAL NOT NULL,
    "related" REAL NOT NULL,
    "likelyPrecision" REAL NOT NULL,
    "likelyRecall" REAL NOT NULL,
    "relatedPrecision" REAL NOT NULL,
    "relatedRecall" REAL NOT NULL,
    "positives" INTEGER NOT NULL,
    "negatives" INTEGER NOT NULL,
    "calibratedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "TierCalibration_model_scope_key" ON "TierCalibration"("model", "scope");
