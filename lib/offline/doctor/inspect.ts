// Read-only consistency checks between the database and the vector index. Nothing here writes.
//
// Order matters when the app is running while the doctor looks: the index ids are read BEFORE the
// report rows. A report created in between then shows up as "missing" (harmless: repair re-embeds it)
// instead of its fresh point showing up as an "orphan" (repair would delete a live point).
import type { AnnStatus } from "@/lib/vector/ann";
import Database from "better-sqlite3";
import type { PrismaClient } from "@/lib/db/client";
import { config } from "@/lib/config";
import { parseCounts } from "@/lib/jobs/store";
import { INDEXABLE_SELECT, embeddingText, storedVector } from "@/lib/corpus/vectors";
import type { DoctorDeps, DoctorOptions, DoctorReport, Issue } from "@/lib/offline/doctor/types";
import { mulberry32 } from "@/lib/random";
import { cosine as cosineOf, hasDirection } from "@/lib/math";

interface ReportState {
  id: number;
  contentHash: string;
  indexedHash: string | null;
}

const PAGE = 5000;

/** id, contentHash, indexedHash of every report, paged by id so a large table is not one huge query. */
export async function reportStates(prisma: PrismaClient): Promise<ReportState[]> {
  const out: ReportState[] = [];
  let cursor = 0;
  for (;;) {
    const rows = await prisma.report.findMany({
      where: { id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true, contentHash: true, indexedHash: true },
    });
    out.push(...rows);
    if (rows.length < PAGE) return out;
    cursor = rows[rows.length - 1]!.id;
  }
}

/** Jobs recoverStaleJobs (lib/jobs/store) would mark failed: same criteria, read-only. */
export async function staleJobs(prisma: PrismaClient, staleMs: number, now: number) {
  const cutoff = new Date(now - staleMs);
  return prisma.indexJob.findMany({
    where: { state: { in: ["queued", "running"] }, OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null, createdAt: { lt: cutoff } }] },
    orderBy: { createdAt: "asc" },
  });
}

/** Deterministic sample of k items (mulberry32 + partial Fisher-Yates). */
export function seededSample<T>(items: T[], k: number, seed: number): T[] {
  const a = items.slice();
  const rand = mulberry32(seed);
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

/** Cosine of a stored and a fresh vector; -1 (a certain mismatch) when the lengths differ or one is zero. */
function cosine(a: Float32Array, b: Float32Array): number {
  return a.length === b.length && hasDirection(a) && hasDirection(b) ? cosineOf(a, b) : -1;
}

/** PRAGMA quick_check on the SQLite file ("ok" or the first problems). */
export function sqliteQuickCheck(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const rows = db.pragma("quick_check(20)") as { quick_check: string }[];
    const msgs = rows.map((r) => r.quick_check);
    return msgs.length === 1 && msgs[0] === "ok" ? [] : msgs;
  } finally {
    db.close();
  }
}

const issue = (i: Omit<Issue, "count"> & { count?: number }): Issue => ({ ...i, count: i.count ?? i.ids.length });

export async function inspect(deps: DoctorDeps, opts: DoctorOptions = {}): Promise<DoctorReport> {
  const { prisma, index, encoder } = deps;
  const now = opts.now?.() ?? Date.now();
  const staleMs = opts.staleMs ?? config().staleJobMs;
  const issues: Issue[] = [];

  if (deps.sqlitePath) {
    const problems = sqliteQuickCheck(deps.sqlitePath);
    if (problems.length) {
      issues.push(
        issue({
          kind: "sqlite_corrupt",
          severity: "error",
          message: `PRAGMA quick_check reports: ${problems.slice(0, 5).join("; ")} (restore from a backup; the index is rebuildable with npm run reindex)`,
          ids: [],
          count: problems.length,
          repairable: false,
        }),
      );
    }
  }

  const stale = await staleJobs(prisma, staleMs, now);
  if (stale.length) {
    issues.push(
      issue({
        kind: "stale_job",
        severity: "error",
        message: `${stale.length} job(s) still marked ${[...new Set(stale.map((j) => j.state))].join("/")} with no heartbeat for more than ${Math.round(staleMs / 1000)} s (${stale.map((j) => `${j.kind} ${j.id}`).slice(0, 5).join(", ")})`,
        ids: stale.map((j) => j.id),
        repairable: true,
      }),
    );
  }

  // Newest first: lib/core serves the newest active one, so repair keeps that one.
  const active = await prisma.modelVersion.findMany({ where: { active: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  if (active.length > 1) {
    issues.push(
      issue({
        kind: "multiple_active_models",
        severity: "error",
        message: `${active.length} model versions are active (${active.map((m) => m.name).join(", ")}); the server uses ${active[0]!.name}`,
        ids: active.slice(1).map((m) => m.id),
        repairable: true,
      }),
    );
  }

  const report: DoctorReport = {
    ok: false,
    checkedAt: new Date(now).toISOString(),
    reports: 0,
    indexPoints: null,
    indexBackend: index?.backend ?? null,
    generation: index && typeof index.generation === "string" ? index.generation : null,
    issues,
  };

  if (!index) {
    report.reports = await prisma.report.count();
    issues.push(
      issue({
        kind: "unavailable",
        severity: "error",
        message: `index checks skipped: ${deps.unavailableReason ?? "the vector index could not be opened"}`,
        ids: [],
        repairable: false,
      }),
    );
    report.ok = false;
    return report;
  }

  const indexIds = new Set(await index.ids()); // before the reports: see the header comment
  const states = await reportStates(prisma);
  report.reports = states.length;
  report.indexPoints = indexIds.size;
  report.generation = typeof index.generation === "string" ? index.generation : null;
  const reportIds = new Set(states.map((r) => r.id));

  const missing = states.filter((r) => !indexIds.has(r.id)).map((r) => r.id);
  if (missing.length) {
    issues.push(
      issue({
        kind: "missing_from_index",
        severity: "error",
        message: `${missing.length} report(s) are not in the vector index`,
        ids: missing,
        repairable: true,
      }),
    );
  }
  const staleIds = states.filter((r) => indexIds.has(r.id) && r.indexedHash !== r.contentHash).map((r) => r.id);
  if (staleIds.length) {
    issues.push(
      issue({
        kind: "stale_point",
        severity: "error",
        message: `${staleIds.length} report(s) changed since they were indexed (indexedHash != contentHash)`,
        ids: staleIds,
        repairable: true,
      }),
    );
  }
  const orphans = [...indexIds].filter((id) => !reportIds.has(id)).sort((a, b) => a - b);
  if (orphans.length) {
    issues.push(
      issue({
        kind: "orphan_point",
        severity: "error",
        message: `${orphans.length} index point(s) belong to no report (deleted reports still searchable)`,
        ids: orphans,
        repairable: true,
      }),
    );
  }

  const dimsOk = !encoder || encoder.dims === index.dims;
  if (!dimsOk) {
    issues.push(
      issue({
        kind: "dims_mismatch",
        severity: "error",
        message: `the index holds ${index.dims}-dimensional vectors but the serving model (${encoder!.modelDir}) produces ${encoder!.dims}: run npm run reindex`,
        ids: [],
        repairable: false,
      }),
    );
  }

  const sample = opts.sampleVectors ?? 0;
  if (encoder && dimsOk && sample > 0) {
    const consistent = states.filter((r) => indexIds.has(r.id) && r.indexedHash === r.contentHash).map((r) => r.id);
    const picked = seededSample(consistent, sample, opts.seed ?? 7);
    const minCos = opts.minCosine ?? 0.999;
    const bad: number[] = [];
    for (let i = 0; i < picked.length; i += 32) {
      const rows = await prisma.report.findMany({ where: { id: { in: picked.slice(i, i + 32) } }, select: INDEXABLE_SELECT });
      const fresh = await encoder.encode(rows.map(embeddingText));
      for (let j = 0; j < rows.length; j++) {
        const p = await index.get(rows[j]!.id);
        // storedVector: the same stand-in the indexer stores for a text the model maps to zero.
        if (!p || cosine(p.vector, storedVector(rows[j]!.id, fresh[j]!, encoder.dims)) < minCos) bad.push(rows[j]!.id);
      }
    }
    if (bad.length) {
      issues.push(
        issue({
          kind: "vector_mismatch",
          severity: "error",
          message: `${bad.length} of ${picked.length} sampled vector(s) differ from a fresh encode with the serving model (cosine < ${minCos})`,
          ids: bad.sort((a, b) => a - b),
          repairable: true,
        }),
      );
    }
  }

  if (typeof index.generations === "function") {
    const gens = await index.generations();
    const keep = await referencedGenerations(prisma);
    const orphanGens = gens.filter((g) => g.state === "building" && !keep.has(g.generation) && now - g.updatedAt > staleMs);
    if (orphanGens.length) {
      issues.push(
        issue({
          kind: "orphan_generation",
          severity: "warning",
          message: `${orphanGens.length} unfinished index generation(s) no reindex will resume (${orphanGens.map((g) => `${g.generation}: ${g.count} points`).join(", ")})`,
          ids: orphanGens.map((g) => g.generation),
          repairable: true,
        }),
      );
    }
  }

  const ann = annAdmin(index);
  if (ann) {
    const st = await ann.annStatus();
    if (!st.inStep) {
      issues.push(
        issue({
          kind: "ann_out_of_step",
          severity: "error",
          message:
            `the ANN graph of generation ${st.generation} (${st.file ?? "no file"}) holds ${st.graphPoints} points, the table ${st.tablePoints}: ` +
            `${st.missingCount} missing, ${st.extraCount} extra (searches fall back to exact until it is rebuilt)`,
          ids: [st.generation],
          repairable: true,
        }),
      );
    }
  }

  report.ok = issues.every((i) => i.severity !== "error");
  return report;
}

/** The embedded index's ANN housekeeping (lib/vector/sqlite-vec.ts), when the backend has it. */
export function annAdmin(index: object): { annStatus(): Promise<AnnStatus>; rebuildAnn(): Promise<AnnStatus> } | null {
  const ix = index as Partial<{ annStatus(): Promise<AnnStatus>; rebuildAnn(): Promise<AnnStatus> }>;
  return typeof ix.annStatus === "function" && typeof ix.rebuildAnn === "function" ? (ix as ReturnType<typeof annAdmin> & object) : null;
}

/**
 * Generations a job still owns: any queued/running reindex's, and the latest finished reindex's when
 * it failed resumably (lib/jobs/reindex resumes only that one).
 */
async function referencedGenerations(prisma: PrismaClient): Promise<Set<string>> {
  const keep = new Set<string>();
  const running = await prisma.indexJob.findMany({ where: { kind: "reindex", state: { in: ["queued", "running"] } }, select: { generation: true } });
  for (const j of running) if (j.generation) keep.add(j.generation);
  const last = await prisma.indexJob.findFirst({ where: { kind: "reindex", state: { in: ["succeeded", "failed"] } }, orderBy: { createdAt: "desc" } });
  if (last && last.state === "failed" && last.generation && parseCounts(last.counts)?.resumable === true) keep.add(last.generation);
  return keep;
}
