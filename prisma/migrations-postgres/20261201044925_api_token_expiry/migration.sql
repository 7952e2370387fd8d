-- CreateTable
CREATE TABLE "ApiTokenExpiry" (
    "id" SERIAL NOT NULL,
    "tokenId" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApiTokenExpiry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiTokenExpiry_tokenId_key" ON "ApiTokenExpiry"("tokenId");

-- AddForeignKey
ALTER TABLE "ApiTokenExpiry" ADD CONSTRAINT "ApiTokenExpiry_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "ApiToken"("id") ON DELETE CASCADE ON UPDATE CASCADE;
