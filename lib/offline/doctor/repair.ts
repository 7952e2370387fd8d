// Fixes what inspect() found, each step idempotent so an interrupted repair can simply be re-run.
// Re-embedding goes through lib/corpus/index-sync (upsert + Report.indexedHash), exactly like a normal write.
import { annAdmin } from "@/lib/offline/doctor/inspect";
import { recoverStaleJobs } from "@/lib/jobs/store";
import { indexReports } from "@/lib/corpus/index-sync";
import { INDEXABLE_SELECT } from "@/lib/corpus/vectors";
import { config } from "@/lib/config";
import type { DoctorDeps, DoctorOptions, DoctorReport, IssueKind, RepairAction } from "@/lib/offline/doctor/types";

function idsOf(report: DoctorReport, kind: IssueKind): (number | string)[] {
  return report.issues.find((i) => i.kind === kind)?.ids ?? [];
}

export async function repair(deps: DoctorDeps, report: DoctorReport, opts: DoctorOptions = {}): Promise<RepairAction[]> {
  const { prisma, index, encoder } = deps;
  const actions: RepairAction[] = [];
  const staleMs = opts.staleMs ?? config().staleJobMs;
  const batch = opts.batchSize ?? 64;

  // Jobs first: a dead reindex job becomes "failed, resumable", which keeps its generation out of the
  // orphan list on the next inspection.
  if (idsOf(report, "stale_job").length) {
    const n = await recoverStaleJobs(prisma, staleMs);
    actions.push({ kind: "stale_job", fixed: n, message: `marked ${n} interrupted job(s) failed` });
  }

  const extraActive = idsOf(report, "multiple_active_models") as number[];
  if (extraActive.length) {
    const r = await prisma.modelVersion.updateMany({ where: { id: { in: extraActive } }, data: { active: false } });
    actions.push({ kind: "multiple_active_models", fixed: r.count, message: `deactivated ${r.count} model version(s); the newest active one stays` });
  }

  if (!index) return actions;

  const orphans = idsOf(report, "orphan_point") as number[];
  if (orphans.length) {
    // Re-check: a report may have been (re)created since the inspection.
    const still = new Set((await prisma.report.findMany({ where: { id: { in: orphans } }, select: { id: true } })).map((r) => r.id));
    const del = orphans.filter((id) => !still.has(id));
    for (let i = 0; i < del.length; i += 500) await index.delete(del.slice(i, i + 500));
    actions.push({ kind: "orphan_point", fixed: del.length, message: `deleted ${del.length} orphan point(s) from the index` });
  }

  const reembed = [
    ...new Set([...idsOf(report, "missing_from_index"), ...idsOf(report, "stale_point"), ...idsOf(report, "vector_mismatch")] as number[]),
  ].sort((a, b) => a - b);
  if (reembed.length) {
    if (!encoder) {
      actions.push({ kind: "missing_from_index", fixed: 0, message: "cannot re-embed: the serving model is not available" });
    } else if (encoder.dims !== index.dims) {
      actions.push({ kind: "missing_from_index", fixed: 0, message: "cannot re-embed into an index of other dimensions: run npm run reindex" });
    } else {
      let n = 0;
      for (let i = 0; i < reembed.length; i += batch) {
        const rows = await prisma.report.findMany({ where: { id: { in: reembed.slice(i, i + batch) } }, select: INDEXABLE_SELECT });
        n += await indexReports(prisma, rows, { encoder, index });
      }
      actions.push({ kind: "missing_from_index", fixed: n, message: `re-embedded and upserted ${n} missing/stale/mismatched report(s)` });
    }
  }

  const gens = idsOf(report, "orphan_generation") as string[];
  if (gens.length && typeof index.dropGeneration === "function") {
    let n = 0;
    for (const gen of gens) {
      try {
        await index.dropGeneration(gen);
        n++;
      } catch (e) {
        actions.push({ kind: "orphan_generation", fixed: 0, message: `could not drop generation ${gen}: ${(e as Error).message}` });
      }
    }
    actions.push({ kind: "orphan_generation", fixed: n, message: `dropped ${n} orphan generation(s)` });
  }

  const ann = annAdmin(index);
  if (idsOf(report, "ann_out_of_step").length && ann) {
    const st = await ann.rebuildAnn();
    actions.push({ kind: "ann_out_of_step", fixed: st.inStep ? 1 : 0, message: `rebuilt the ANN graph of generation ${st.generation} from its ${st.tablePoints} points` });
  }
  return actions;
}
