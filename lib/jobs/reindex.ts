// Full re-index as a background job. Every report is encoded in batches into a NEW index generation
// (index.beginReindex) while the live one keeps answering queries; at the end the generation is
// committed atomically. Reports created/changed meanwhile are caught up before and after the switch.
// A failed run keeps its generation and is marked resumable: the next reindex with the same
// dimensions continues it, skipping reports already written.
import { modelDirOf } from "@/lib/models/registry";
import { existsSync } from "node:fs";
import type { PrismaClient } from "@/lib/db/client";
import type { JobDto } from "@/lib/domain/views";
import { ConflictError, InvalidInputError, NotFoundError } from "@/lib/domain/errors";
import type { ReindexSession, VectorIndex } from "@/lib/vector/types";
import type { Encoder } from "@/lib/embedding/types";
import type { GenerationAdmin } from "@/lib/vector/generation";
import { indexStale, markIndexed } from "@/lib/corpus/index-sync";
import { calibrateModel } from "@/lib/dedup/calibrate";
import { INDEXABLE_SELECT, toPoints } from "@/lib/corpus/vectors";
import { createJob, JobReporter, parseCounts, recoverStaleJobs, toJobDto } from "@/lib/jobs/store";
import type { Core } from "@/lib/core";

export interface ReindexOptions {
  /** Encode with this ModelVersion and make it active when the job succeeds. */
  modelVersionId?: number;
  batchSize?: number;
  /** Called after each batch (CLI progress). */
  onProgress?: (done: number, total: number) => void;
}

export async function runningReindex(core: Core): Promise<JobDto | null> {
  const prisma = core.db;
  await recoverStaleJobs(prisma, core.config.staleJobMs);
  const j = await prisma.indexJob.findFirst({ where: { kind: "reindex", state: { in: ["queued", "running"] } }, orderBy: { createdAt: "desc" } });
  return j ? toJobDto(j) : null;
}

async function resolveModel(core: Core, modelVersionId?: number): Promise<{ dir: string; modelVersionId: number | null; name: string }> {
  const prisma = core.db;
  if (modelVersionId === undefined) {
    const s = await core.servingModel(true);
    return { dir: s.dir, modelVersionId: s.modelVersionId, name: s.name };
  }
  const mv = await prisma.modelVersion.findUnique({ where: { id: modelVersionId } });
  if (!mv) throw new NotFoundError(`model version ${modelVersionId} not found`);
  const dir = modelDirOf(mv.path);
  if (!existsSync(dir)) throw new InvalidInputError(`model version ${mv.name}: directory ${mv.path} does not exist`);
  return { dir, modelVersionId: mv.id, name: mv.name };
}

/**
 * Creates the job and runs it in the background (in this process). 409 when a reindex is already
 * queued/running here or in another process (fresh heartbeat). `wait` awaits completion (CLI).
 */
export async function startReindex(core: Core, opts: ReindexOptions & { wait?: boolean } = {}): Promise<{ job: JobDto; done: Promise<JobDto> }> {
  const prisma = core.db;
  if (core.reindexRunning) throw new ConflictError("a reindex is already running");
  core.reindexRunning = true;
  try {
    const running = await runningReindex(core);
    if (running) throw new ConflictError(`reindex job ${running.id} is already ${running.state}`, { jobId: running.id });
    const model = await resolveModel(core, opts.modelVersionId);
    const total = await prisma.report.count();
    const row = await createJob(prisma, "reindex", { total, modelVersionId: opts.modelVersionId ?? null, counts: { model: model.name } });
    const done = runReindex(core, row.id, model, opts).finally(() => {
      core.reindexRunning = false;
    });
    done.catch(() => undefined); // outcome is recorded in the job row
    return { job: toJobDto(row), done };
  } catch (e) {
    core.reindexRunning = false;
    throw e;
  }
}

/** The most recent failed reindex that left a generation we can continue with these dims. */
async function resumable(prisma: PrismaClient, ix: VectorIndex & Partial<GenerationAdmin>, dims: number, modelVersionId: number | null) {
  const last = await prisma.indexJob.findFirst({ where: { kind: "reindex", state: { not: "queued" } }, orderBy: { createdAt: "desc" }, skip: 1 });
  if (!last || last.state !== "failed" || !last.generation) return null;
  if (parseCounts(last.counts)?.resumable !== true || last.modelVersionId !== modelVersionId) return null;
  if (!ix.generations) return null;
  const gens = await ix.generations();
  const gen = gens.find((x) => x.generation === last.generation);
  if (!gen || gen.state !== "building" || gen.dims !== dims) return null;
  return { generation: last.generation, fromJob: last.id };
}

async function runReindex(
  core: Core,
  jobId: string,
  model: { dir: string; modelVersionId: number | null; name: string },
  opts: ReindexOptions,
): Promise<JobDto> {
  const prisma = core.db;
  const rep = new JobReporter(prisma, jobId);
  const batchSize = opts.batchSize ?? core.config.reindexBatchSize;
  const counts: Record<string, unknown> = { model: model.name, encoded: 0, skipped: 0, caughtUp: 0, removed: 0 };
  let session: ReindexSession | null = null;
  let encoder: Encoder | null = null;
  let processed = 0;
  try {
    const total = await prisma.report.count();
    await rep.start({ total, counts });
    // A private encoder (worker thread, 1 intra-op thread), not the serving one: see backgroundEncoderFor.
    const enc = (encoder = await core.backgroundEncoderFor(model.dir));
    const ix = (await core.index()) as VectorIndex & Partial<GenerationAdmin>;
    const resume = await resumable(prisma, ix, enc.dims, model.modelVersionId);
    session = resume
      ? await ix.beginReindex({ resumeGeneration: resume.generation, dims: enc.dims })
      : await ix.beginReindex({ dims: enc.dims });
    const sessionIds = (session as ReindexSession & { ids?: () => Promise<number[]> }).ids;
    const already = new Set<number>(resume && sessionIds ? await sessionIds.call(session) : []);
    if (resume) counts.resumedFrom = resume.fromJob;
    await rep.set({ generation: session.generation, counts });

    const encoded = new Map<number, string>();
    const encodeRows = async (rows: { id: number; contentHash: string }[] & Parameters<typeof toPoints>[1]) => {
      const points = await toPoints(enc, rows, batchSize);
      // One short write transaction per batch; then let queued requests run before the next batch.
      await session!.upsert(points);
      await new Promise<void>((r) => setImmediate(r));
      for (const r of rows) encoded.set(r.id, r.contentHash);
      counts.encoded = encoded.size;
    };

    let cursor = 0;
    for (;;) {
      const rows = await prisma.report.findMany({ where: { id: { gt: cursor } }, orderBy: { id: "asc" }, take: batchSize, select: INDEXABLE_SELECT });
      if (rows.length === 0) break;
      cursor = rows[rows.length - 1]!.id;
      const todo = rows.filter((r) => !already.has(r.id));
      counts.skipped = (counts.skipped as number) + rows.length - todo.length;
      if (todo.length) await encodeRows(todo);
      processed += rows.length;
      opts.onProgress?.(processed, total);
      await rep.progress(total ? processed / total : 0.99, processed, counts);
    }

    // Catch-up before the switch: reports created or edited while we were encoding.
    const current = await prisma.report.findMany({ select: { id: true, contentHash: true } });
    const changed = current.filter((r) => !already.has(r.id) && encoded.get(r.id) !== r.contentHash).map((r) => r.id);
    for (let i = 0; i < changed.length; i += batchSize) {
      const rows = await prisma.report.findMany({ where: { id: { in: changed.slice(i, i + batchSize) } }, select: INDEXABLE_SELECT });
      await encodeRows(rows);
    }
    counts.caughtUp = changed.length;

    await session.commit();
    const generation = session.generation;
    session = null;

    // The new vectors are live: calibrate the model's tiers on them before it serves, so tiers follow the model
    // (a failed calibration leaves the model on its previous thresholds or the defaults; the job still succeeds).
    try {
      const cal = await calibrateModel(core, ix, model.name);
      counts.calibration = cal.details.map((d) => `${d.scope}: ${d.positives} duplicates, ${d.negatives} non-duplicates${d.note ? ` (${d.note})` : ""}`).join("; ");
    } catch (e) {
      console.error(`[jobs] reindex ${jobId}: calibrating ${model.name} failed:`, e);
      counts.calibration = `failed: ${e instanceof Error ? e.message : String(e)}`;
    }

    if (model.modelVersionId !== null) {
      await prisma.$transaction([
        prisma.modelVersion.updateMany({ where: { active: true, id: { not: model.modelVersionId } }, data: { active: false } }),
        prisma.modelVersion.update({ where: { id: model.modelVersionId }, data: { active: true } }),
      ]);
    }
    core.invalidateServingModel();
    // Resumed reports' content is unknown to us: let the post-commit catch-up re-check them.
    if (already.size) {
      const ids = [...already];
      for (let i = 0; i < ids.length; i += 500) {
        await prisma.report.updateMany({ where: { id: { in: ids.slice(i, i + 500) } }, data: { indexedHash: null } });
      }
    }
    await markIndexed(prisma, [...encoded].map(([id, hash]) => ({ id, hash })));

    // Reports deleted during the run are still in the new generation.
    const live = new Set(current.map((r) => r.id));
    const indexed = await ix.ids();
    const ghosts = indexed.filter((id) => !live.has(id));
    if (ghosts.length) {
      const exist = new Set((await prisma.report.findMany({ where: { id: { in: ghosts } }, select: { id: true } })).map((r) => r.id));
      const remove = ghosts.filter((id) => !exist.has(id));
      if (remove.length) await ix.delete(remove);
      counts.removed = remove.length;
    }
    // And anything edited in the moment between the catch-up and the switch.
    counts.caughtUp = (counts.caughtUp as number) + (await indexStale(core, { batchSize }));
    counts.generation = generation;
    await rep.succeed(processed, counts);
  } catch (err) {
    console.error(`[jobs] reindex ${jobId} failed:`, err);
    counts.resumable = session !== null;
    await rep.fail(err, counts);
  } finally {
    rep.stop();
    await encoder?.close().catch(() => undefined);
  }
  const row = await prisma.indexJob.findUnique({ where: { id: jobId } });
  return toJobDto(row!);
}
