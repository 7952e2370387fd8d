-- CreateTable
CREATE TABLE "ReportKeySequence" (
    "prefix" TEXT NOT NULL,
    "last" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReportKeySequence_pkey" PRIMARY KEY ("prefix")
);
