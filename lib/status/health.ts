// Liveness/readiness: can we query the database, open the index and load the model?
import type { HealthResponse } from "@/lib/domain/views";
import { APP_VERSION } from "@/lib/config";
import { isPostgres } from "@/lib/db/client";
import type { Core } from "@/lib/core";
import { recoverStaleJobs } from "@/lib/jobs/store";
import { displayPath, redactPaths } from "@/lib/status/paths";

const started = Date.now();

/** Error text safe to show: first line, absolute paths shortened (lib/status/paths). */
function brief(e: unknown): string {
  return redactPaths((e instanceof Error ? e.message : String(e)).split("\n")[0]!).slice(0, 300);
}

export async function health(core: Core): Promise<HealthResponse> {
  const prisma = core.db;
  const out: HealthResponse = {
    ok: false,
    version: APP_VERSION,
    db: { ok: false, provider: isPostgres(core.config.databaseUrl) ? "postgres" : "sqlite" },
    index: { ok: false, backend: null, count: null, dims: null },
    model: { name: null, dir: displayPath(core.config.modelDir), dims: null, loaded: false },
    checkWorkers: { configured: 0, ready: 0 },
    uptimeSec: Math.round((Date.now() - started) / 1000),
  };
  // The first health probe starts the check workers, so they warm up before the first checks arrive.
  const pool = core.checkPool();
  if (pool) out.checkWorkers = { configured: core.config.checkWorkers, ready: pool.size };
  try {
    await prisma.report.count({ take: 1 });
    out.db.ok = true;
    // Cheap when nothing is stale; marks jobs of a crashed process failed soon after a restart.
    await recoverStaleJobs(prisma, core.config.staleJobMs);
  } catch (e) {
    out.db.error = brief(e);
  }
  if (out.db.ok) {
    try {
      const m = await core.servingModel();
      out.model.name = m.name;
      out.model.dir = displayPath(m.dir);
      const { encoder } = await core.servingEncoder();
      out.model.dims = encoder.dims;
      out.model.loaded = true;
    } catch (e) {
      out.model.error = brief(e);
    }
    try {
      const ix = await core.index();
      out.index = { ok: true, backend: ix.backend, count: await ix.count(), dims: ix.dims };
      if (out.model.dims !== null && ix.dims !== out.model.dims) {
        out.index.ok = false;
        out.index.error = `index dims ${ix.dims} differ from model dims ${out.model.dims}: reindex needed`;
      }
    } catch (e) {
      out.index.error = brief(e);
    }
  }
  out.ok = out.db.ok && out.index.ok && out.model.loaded;
  return out;
}
