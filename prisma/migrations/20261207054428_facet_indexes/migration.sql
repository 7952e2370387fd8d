-- DropIndex
DROP INDEX "Report_product_idx";

-- CreateIndex
CREATE INDEX "Report_product_component_idx" ON "Report"("product", "component");

-- CreateIndex
CREATE INDEX "Report_status_idx" ON "Report"("status");
