// Registers a model version in a test server's database, so the admin page renders its model table (with the
// per-row Activate action) instead of the "no registered model versions" note.
import type { ModelsResponse } from "@/lib/http/schemas";
import { createPrisma } from "@/lib/db/client";
import type { TestServer } from "@/lib/offline/app-server";
import { registerModelVersion } from "@/lib/offline/train/run";

/** An inactive ModelVersion row for the model the server already serves (idempotent). */
export async function registerServedModel(srv: TestServer, name = "e2e-listed"): Promise<void> {
  const res = await srv.api("/api/admin/models", { headers: { authorization: `Bearer ${srv.adminToken}` } });
  if (res.status !== 200) throw new Error(`GET /api/admin/models -> ${res.status}: ${await res.text()}`);
  const { serving } = (await res.json()) as ModelsResponse;
  const prisma = createPrisma(srv.dbUrl);
  try {
    await registerModelVersion(prisma, { name, dir: srv.modelDir, kind: "static", dims: serving.dims ?? 256, pooling: "mean", replace: true });
  } finally {
    await prisma.$disconnect();
  }
}
