// What `npm run doctor` looks for and what it reports. One Issue per kind of inconsistency, with the
// affected ids (a capped sample for display, the full list for repair).
import type { PrismaClient } from "@/lib/db/client";
import type { Encoder } from "@/lib/embedding/types";
import type { GenerationAdmin } from "@/lib/vector/generation";
import type { VectorIndex } from "@/lib/vector/types";

export type IssueKind =
  /** A report whose id is not in the live index generation. */
  | "missing_from_index"
  /** A point in the live generation whose report no longer exists. */
  | "orphan_point"
  /** The point exists but Report.indexedHash != contentHash: the index holds an older text (or none recorded). */
  | "stale_point"
  /** The stored vector differs from a fresh encode of the report with the serving model. */
  | "vector_mismatch"
  /** A queued/running job whose heartbeat is older than the stale threshold (its process died). */
  | "stale_job"
  /** More than one ModelVersion has active = true. */
  | "multiple_active_models"
  /** The live generation's dimensions differ from the serving encoder's: only a full reindex fixes it. */
  | "dims_mismatch"
  /** An unfinished index generation no job will ever resume (crashed before it was recorded, or superseded). */
  | "orphan_generation"
  /** The embedded index's ANN graph (file + change log) disagrees with the live generation's table. */
  | "ann_out_of_step"
  /** SQLite's own consistency check failed (PRAGMA quick_check). Not repairable here. */
  | "sqlite_corrupt"
  /** The serving model or the index could not be opened, so the index checks did not run. */
  | "unavailable";

export type Severity = "error" | "warning";

export interface Issue {
  kind: IssueKind;
  severity: Severity;
  message: string;
  count: number;
  /** Affected report ids / job ids / generation ids / model ids (all of them; print a sample). */
  ids: (number | string)[];
  /** Whether `--repair` knows how to fix this kind. */
  repairable: boolean;
}

export interface DoctorReport {
  ok: boolean;
  checkedAt: string;
  reports: number;
  indexPoints: number | null;
  indexBackend: string | null;
  generation: string | null;
  issues: Issue[];
}

export interface RepairAction {
  kind: IssueKind;
  fixed: number;
  message: string;
}

export interface RepairResult {
  actions: RepairAction[];
  /** Re-inspection after the repair. */
  after: DoctorReport;
}

export interface DoctorDeps {
  prisma: PrismaClient;
  /** The live index; null when it could not be opened (reported as "unavailable"). */
  index: (VectorIndex & Partial<GenerationAdmin>) | null;
  /** The serving encoder; needed for re-embedding and the vector spot-check. */
  encoder: Encoder | null;
  /** Why index/encoder are null, for the report. */
  unavailableReason?: string;
  /** SQLite file to run PRAGMA quick_check on (omit for Postgres / to skip). */
  sqlitePath?: string | null;
}

export interface DoctorOptions {
  /** A queued/running job without a heartbeat for this long is dead; also the idle time after which an unreferenced generation is an orphan. Default config().staleJobMs. */
  staleMs?: number;
  /** Re-encode this many consistent reports (seeded sample) and compare with the stored vectors; 0 = off. */
  sampleVectors?: number;
  /** Cosine below this between stored and fresh vector counts as a mismatch (default 0.999). */
  minCosine?: number;
  /** Seed for the vector sample (default: fixed, so runs are comparable). */
  seed?: number;
  /** Batch size for re-embedding during repair (default 64). */
  batchSize?: number;
  now?: () => number;
}
