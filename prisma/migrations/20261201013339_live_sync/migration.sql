-- CreateTable
CREATE TABLE "SyncSource" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "cursor" TEXT,
    "state" TEXT NOT NULL DEFAULT 'idle',
    "counts" TEXT,
    "lastError" TEXT,
    "startedAt" DATETIME,
    "heartbeatAt" DATETIME,
    "lastRunAt" DATETIME,
    "lastSuccessAt" DATETIME,
    "settings" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "source" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "event" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "BotComment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "commentId" TEXT,
    "bodyHash" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_source_deliveryId_key" ON "WebhookDelivery"("source", "deliveryId");

-- CreateIndex
CREATE UNIQUE INDEX "BotComment_source_externalId_key" ON "BotComment"("source", "externalId");
