-- CreateTable
CREATE TABLE "Report" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "contentHash" TEXT NOT NULL,
    "importedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "indexedHash" TEXT
);

-- CreateTable
CREATE TABLE "DuplicateLink" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "duplicateId" INTEGER NOT NULL,
    "masterId" INTEGER NOT NULL,
    "origin" TEXT NOT NULL,
    "actor" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DuplicateLink_duplicateId_fkey" FOREIGN KEY ("duplicateId") REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DuplicateLink_masterId_fkey" FOREIGN KEY ("masterId") REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TriageDecision" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "reportId" INTEGER NOT NULL,
    "otherId" INTEGER NOT NULL,
    "verdict" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TriageDecision_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TriageDecision_otherId_fkey" FOREIGN KEY ("otherId") REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IndexJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "progress" REAL NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "counts" TEXT,
    "error" TEXT,
    "modelVersionId" INTEGER,
    "generation" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "heartbeatAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "IndexJob_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dims" INTEGER NOT NULL,
    "pooling" TEXT NOT NULL,
    "baseModel" TEXT,
    "metrics" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "DedupThreshold" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "scope" TEXT NOT NULL,
    "likely" REAL NOT NULL,
    "related" REAL NOT NULL,
    "precision" REAL,
    "recall" REAL,
    "support" INTEGER NOT NULL DEFAULT 0,
    "calibratedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
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
