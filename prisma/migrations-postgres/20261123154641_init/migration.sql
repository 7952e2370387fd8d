-- CreateTable
CREATE TABLE "Report" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "url" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "product" TEXT,
    "component" TEXT,
    "version" TEXT,
    "platform" TEXT,
    "status" TEXT,
    "resolution" TEXT,
    "reporter" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "contentHash" TEXT NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "indexedHash" TEXT,

    CONSTRAINT "Report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DuplicateLink" (
    "id" SERIAL NOT NULL,
    "duplicateId" INTEGER NOT NULL,
    "masterId" INTEGER NOT NULL,
    "origin" TEXT NOT NULL,
    "actor" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DuplicateLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TriageDecision" (
    "id" SERIAL NOT NULL,
    "reportId" INTEGER NOT NULL,
    "otherId" INTEGER NOT NULL,
    "verdict" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TriageDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IndexJob" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "counts" TEXT,
    "error" TEXT,
    "modelVersionId" INTEGER,
    "generation" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "IndexJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dims" INTEGER NOT NULL,
    "pooling" TEXT NOT NULL,
    "baseModel" TEXT,
    "metrics" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DedupThreshold" (
    "id" SERIAL NOT NULL,
    "scope" TEXT NOT NULL,
    "likely" DOUBLE PRECISION NOT NULL,
    "related" DOUBLE PRECISION NOT NULL,
    "precision" DOUBLE PRECISION,
    "recall" DOUBLE PRECISION,
    "support" INTEGER NOT NULL DEFAULT 0,
    "calibratedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DedupThreshold_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Report_product_idx" ON "Report"("product");

-- CreateIndex
CREATE INDEX "Report_createdAt_idx" ON "Report"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Report_source_externalId_key" ON "Report"("source", "externalId");

-- CreateIndex
CREATE INDEX "DuplicateLink_masterId_idx" ON "DuplicateLink"("masterId");

-- CreateIndex
CREATE UNIQUE INDEX "DuplicateLink_duplicateId_masterId_key" ON "DuplicateLink"("duplicateId", "masterId");

-- CreateIndex
CREATE INDEX "TriageDecision_reportId_idx" ON "TriageDecision"("reportId");

-- CreateIndex
CREATE INDEX "TriageDecision_otherId_idx" ON "TriageDecision"("otherId");

-- CreateIndex
CREATE INDEX "IndexJob_state_idx" ON "IndexJob"("state");

-- CreateIndex
CREATE UNIQUE INDEX "ModelVersion_name_key" ON "ModelVersion"("name");

-- CreateIndex
CREATE UNIQUE INDEX "DedupThreshold_scope_key" ON "DedupThreshold"("scope");

-- AddForeignKey
ALTER TABLE "DuplicateLink" ADD CONSTRAINT "DuplicateLink_duplicateId_fkey" FOREIGN KEY ("duplicateId") REFERENCES "Report"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DuplicateLink" ADD CONSTRAINT "DuplicateLink_masterId_fkey" FOREIGN KEY ("masterId") REFERENCES "Report"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TriageDecision" ADD CONSTRAINT "TriageDecision_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TriageDecision" ADD CONSTRAINT "TriageDecision_otherId_fkey" FOREIGN KEY ("otherId") REFERENCES "Report"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IndexJob" ADD CONSTRAINT "IndexJob_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;
