-- CreateTable
CREATE TABLE "ReportKeySequence" (
    "prefix" TEXT NOT NULL PRIMARY KEY,
    "last" INTEGER NOT NULL DEFAULT 0
);
