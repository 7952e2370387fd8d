// The HTTP contract of bugsift: zod schemas for every request (body or query string) and
// TypeScript types for every response. The UI imports these types; the route handlers
// validate with these schemas. No Next.js or server-only imports here, so this module is
// safe to import from client components.
import { z } from "zod";

// ---------------------------------------------------------------------------
// Limits shared by request schemas and the UI (maxLength on inputs)
// ---------------------------------------------------------------------------
export const LIMITS = {
  query: 500,
  title: 500,
  description: 100_000,
  field: 200,
  actor: 64,
  note: 2_000,
  maxSearchLimit: 100,
  maxK: 50,
  maxSweepLimit: 5_000,
} as const;

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------
/** Report ids in paths and bodies are positive integers (Report.id). */
export const IdSchema = z.coerce.number().int().positive().max(2 ** 31 - 1);

const optText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === "" ? undefined : s))
    .optional();

/** "2024-01-31" or a full ISO 8601 date-time. */
export const DateParamSchema = z
  .string()
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: "expected an ISO date (YYYY-MM-DD) or date-time",
  });

export const VerdictSchema = z.enum(["duplicate", "not_duplicate", "related"]);
export type Verdict = z.infer<typeof VerdictSchema>;

export const TierSchema = z.enum(["likely", "related", "below"]);
export type Tier = z.infer<typeof TierSchema>;

/** Actor names: letters, digits and . _ @ - + space; 1..64 chars. */
export const ActorSchema = z
  .string()
  .trim()
  .min(1, "actor must not be empty")
  .max(LIMITS.actor)
  .regex(/^[\p{L}\p{N}._@+\- ]+$/u, "actor may contain letters, digits, space and . _ @ + -");

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/** GET /api/search query string. `q` may be empty only when at least one filter is set (then newest first). */
export const SearchQuerySchema = z.object({
  q: z.string().trim().max(LIMITS.query).default(""),
  product: optText(LIMITS.field),
  component: optText(LIMITS.field),
  status: optText(LIMITS.field),
  from: DateParamSchema.optional(),
  to: DateParamSchema.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxSearchLimit).default(20),
  offset: z.coerce.number().int().min(0).max(1000).default(0),
});
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

/** A report being written (not yet stored): what the duplicate check and report creation take. */
export const DraftSchema = z.object({
  title: z.string().trim().min(1, "title is required").max(LIMITS.title),
  description: z.string().max(LIMITS.description).default(""),
  product: optText(LIMITS.field),
  component: optText(LIMITS.field),
  version: optText(LIMITS.field),
  platform: optText(LIMITS.field),
});
export type Draft = z.infer<typeof DraftSchema>;
export type DraftInput = z.input<typeof DraftSchema>;

/** POST /api/duplicates body. */
export const DuplicatesRequestSchema = DraftSchema.extend({
  /** Number of clusters to return (default 10). */
  k: z.coerce.number().int().min(1).max(LIMITS.maxK).default(10),
  /** Restrict candidates to the draft's product (default false: search all products, same product ranks as a "why"). */
  sameProductOnly: z.boolean().default(false),
  /** Include "below" tier candidates (default true). */
  includeBelow: z.boolean().default(true),
  /** When checking an already stored report: its id (excluded from candidates; its not_duplicate verdicts apply). */
  reportId: IdSchema.optional(),
});
export type DuplicatesRequest = z.infer<typeof DuplicatesRequestSchema>;

/** POST /api/reports body: a draft plus optional tracker fields. */
export const CreateReportSchema = DraftSchema.extend({
  source: z.string().trim().min(1).max(LIMITS.field).default("bugsift"),
  /** Default: generated ("bs-<timestamp>-<random>"). */
  externalId: optText(LIMITS.field),
  url: z.string().trim().url().max(2000).optional(),
  status: optText(LIMITS.field),
  resolution: optText(LIMITS.field),
  reporter: optText(LIMITS.field),
  createdAt: DateParamSchema.optional(),
});
export type CreateReport = z.infer<typeof CreateReportSchema>;
export type CreateReportInput = z.input<typeof CreateReportSchema>;

/** PATCH /api/reports/[id] body: any subset; null clears an optional field. */
export const UpdateReportSchema = z
  .object({
    title: z.string().trim().min(1).max(LIMITS.title),
    description: z.string().max(LIMITS.description),
    product: z.string().trim().max(LIMITS.field).nullable(),
    component: z.string().trim().max(LIMITS.field).nullable(),
    version: z.string().trim().max(LIMITS.field).nullable(),
    platform: z.string().trim().max(LIMITS.field).nullable(),
    status: z.string().trim().max(LIMITS.field).nullable(),
    resolution: z.string().trim().max(LIMITS.field).nullable(),
    reporter: z.string().trim().max(LIMITS.field).nullable(),
    url: z.string().trim().url().max(2000).nullable(),
  })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, { message: "no fields to update" });
export type UpdateReport = z.infer<typeof UpdateReportSchema>;

/** GET /api/reports query string (browse, newest first). */
export const ListReportsQuerySchema = z.object({
  product: optText(LIMITS.field),
  component: optText(LIMITS.field),
  status: optText(LIMITS.field),
  from: DateParamSchema.optional(),
  to: DateParamSchema.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxSearchLimit).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListReportsQuery = z.infer<typeof ListReportsQuerySchema>;

/** GET /api/reports/[id]/similar query string. */
export const SimilarQuerySchema = z.object({
  k: z.coerce.number().int().min(1).max(LIMITS.maxK).default(10),
});

/**
 * POST /api/triage body. `actor` may instead come from the `x-bugsift-actor` header;
 * one of the two is required (body wins when both are present).
 */
export const TriageRequestSchema = z.object({
  reportId: IdSchema,
  otherId: IdSchema,
  verdict: VerdictSchema,
  actor: ActorSchema.optional(),
  note: z.string().trim().max(LIMITS.note).optional(),
});
export type TriageRequest = z.infer<typeof TriageRequestSchema>;

/** POST /api/admin/login body. */
export const LoginRequestSchema = z.object({ token: z.string().min(1).max(1000) });

export const ImportFormatSchema = z.enum(["bugzilla", "github", "jira", "jsonl", "csv"]);
export type ImportFormat = z.infer<typeof ImportFormatSchema>;

/**
 * POST /api/admin/import JSON body. Multipart alternative: fields `format` (+ optional `source`)
 * and a file field `file`.
 */
export const ImportRequestSchema = z.object({
  format: ImportFormatSchema,
  content: z.string().min(1, "content is empty"),
  /** Overrides the tracker key for formats that need one (e.g. "jira:HADOOP"). */
  source: optText(LIMITS.field),
  /** Embed and index new/changed reports after the import (default true). */
  index: z.boolean().default(true),
});
export type ImportRequest = z.infer<typeof ImportRequestSchema>;

/** POST /api/admin/reindex body (optional; may be empty). */
export const ReindexRequestSchema = z
  .object({
    /** ModelVersion id to encode with (default: the active model, else MODEL_DIR). */
    modelVersionId: IdSchema.optional(),
    batchSize: z.coerce.number().int().min(1).max(1024).optional(),
  })
  .default({});

/** GET /api/admin/jobs query string. */
export const ListJobsQuerySchema = z.object({
  kind: z.enum(["reindex", "import", "train", "evaluate"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** POST /api/admin/thresholds/calibrate body (optional). */
export const CalibrateRequestSchema = z
  .object({
    /** When set, choose the lowest threshold reaching this precision instead of max F1. */
    targetPrecision: z.number().gt(0).max(1).optional(),
    /** Random non-duplicate pairs sampled per scope when there are few not_duplicate verdicts. */
    negatives: z.number().int().min(0).max(20_000).optional(),
  })
  .default({});

/** GET /api/admin/sweep query string. */
export const SweepQuerySchema = z.object({
  threshold: z.coerce.number().min(-1).max(1).default(0.9),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxSweepLimit).default(100),
  product: optText(LIMITS.field),
  /** kNN depth per report (default 10). */
  k: z.coerce.number().int().min(1).max(100).default(10),
});
export type SweepQuery = z.infer<typeof SweepQuerySchema>;

// ---------------------------------------------------------------------------
// Responses (all dates are ISO 8601 strings)
// ---------------------------------------------------------------------------

/** Error body for every non-2xx response. */
export interface ApiErrorBody {
  error: {
    code:
      | "bad_request"
      | "validation_failed"
      | "unauthorized"
      | "not_found"
      | "method_not_allowed"
      | "conflict"
      | "payload_too_large"
      | "unsupported_media_type"
      | "rate_limited"
      | "unavailable"
      | "internal";
    message: string;
    /** validation_failed: one entry per zod issue. */
    details?: { path: string; message: string }[] | Record<string, unknown>;
  };
}

/** Half-open [start, end) UTF-16 offsets into the `text` they accompany. */
export interface Highlight {
  start: number;
  end: number;
}

/** A piece of text with matched query terms marked. Render text.slice(...) segments; never HTML. */
export interface Snippet {
  text: string;
  highlights: Highlight[];
  /** True when `text` was cut from a longer field (show an ellipsis). */
  truncatedStart: boolean;
  truncatedEnd: boolean;
}

export interface ReportSummary {
  id: number;
  source: string;
  externalId: string;
  url: string | null;
  title: string;
  product: string | null;
  component: string | null;
  status: string | null;
  resolution: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ReportRef {
  id: number;
  externalId: string;
  title: string;
  status: string | null;
}

export interface DuplicateLinkDto {
  id: number;
  duplicateId: number;
  masterId: number;
  origin: "imported" | "triager" | string;
  actor: string | null;
  createdAt: string;
  /** The report on the other side of the link, from the viewpoint of the report being shown. */
  other: ReportRef;
}

export interface DecisionDto {
  id: number;
  reportId: number;
  otherId: number;
  verdict: Verdict;
  actor: string;
  note: string | null;
  createdAt: string;
  /** True when this is the newest decision for its (unordered) pair, i.e. the one in force. */
  current: boolean;
}

export interface ReportDetail extends ReportSummary {
  description: string;
  version: string | null;
  platform: string | null;
  reporter: string | null;
  importedAt: string;
  /** Whether the vector index holds this report's current content. */
  indexed: boolean;
  /** Links where this report is the duplicate (its masters). */
  duplicateOf: DuplicateLinkDto[];
  /** Links where this report is the master. */
  duplicates: DuplicateLinkDto[];
  decisions: DecisionDto[];
  /** Members of this report's duplicate cluster (connected component), including itself. */
  cluster: { masterId: number; memberIds: number[] };
}

/** GET /api/reports */
export interface ListReportsResponse {
  reports: ReportSummary[];
  total: number;
  limit: number;
  offset: number;
}

/** GET /api/reports/[id], PATCH /api/reports/[id], POST /api/reports (201) */
export interface ReportResponse {
  report: ReportDetail;
}

/** DELETE /api/reports/[id] */
export interface DeleteReportResponse {
  deleted: number;
}

export interface SearchResult {
  report: ReportSummary;
  /** Fused RRF score (higher is better; only comparable within one response). */
  score: number;
  denseRank: number | null;
  keywordRank: number | null;
  /** Cosine similarity of the query and report vectors, when the dense side returned it. */
  similarity: number | null;
  titleSnippet: Snippet;
  bodySnippet: Snippet;
}

/** GET /api/search */
export interface SearchResponse {
  query: string;
  results: SearchResult[];
  limit: number;
  offset: number;
  /** More results may exist past offset+limit. */
  hasMore: boolean;
  tookMs: number;
}

export interface TermMatch {
  term: string;
  /** Offsets in the draft's (or first report's) title / description. */
  left: { title: Highlight[]; description: Highlight[] };
  /** Offsets in the candidate report's title / description. */
  right: { title: Highlight[]; description: Highlight[] };
}

export interface Why {
  /** Fields equal on both sides (case-insensitive), e.g. [{field:"product", value:"HDFS"}]. */
  fields: { field: "product" | "component" | "version" | "platform"; value: string }[];
  /** Shared salient terms (stop words removed, weighted by rarity), best first, max 12. */
  terms: TermMatch[];
  /** Shared normalised stack frames ("org.apache.hadoop.hdfs.DFSClient.open"), max 10. */
  frames: string[];
}

export interface DuplicateCandidate {
  /** Stable id of the duplicate cluster: the smallest report id in it. */
  clusterId: number;
  /** Best-scoring member of the cluster (the one the score and `why` refer to). */
  report: ReportSummary;
  /** The cluster's master (oldest report with no master of its own), when it differs from `report`. */
  master: ReportSummary | null;
  clusterSize: number;
  /** Cosine similarity of draft and `report` (in [-1, 1]); decides the tier. */
  score: number;
  /** Weighted RRF score of dense and keyword ranks: candidates are ordered by it, best first. */
  fusedScore: number;
  tier: Tier;
  why: Why;
  /** Description excerpt of `report` around the matched terms. */
  snippet: Snippet;
}

/** POST /api/duplicates */
export interface DuplicatesResponse {
  candidates: DuplicateCandidate[];
  thresholds: { scope: string; likely: number; related: number };
  model: string;
  tookMs: number;
}

/** GET /api/reports/[id]/similar */
export interface SimilarResponse {
  reportId: number;
  similar: { report: ReportSummary; score: number; tier: Tier }[];
}

/** POST /api/triage (201) */
export interface TriageResponse {
  decision: DecisionDto;
  /** Set when verdict is "duplicate": the DuplicateLink created (duplicate=reportId, master=otherId) or already present. */
  link: Omit<DuplicateLinkDto, "other"> | null;
}

/** GET /api/reports/[id]/decisions */
export interface DecisionsResponse {
  reportId: number;
  /** Every decision touching the report, newest first; `current` marks the one in force per pair. */
  decisions: DecisionDto[];
}

export interface FacetValue {
  value: string;
  count: number;
}

/** GET /api/facets */
export interface FacetsResponse {
  products: FacetValue[];
  components: (FacetValue & { product: string | null })[];
  statuses: FacetValue[];
  total: number;
}

/** GET /api/health (200 when ok, 503 when db or index fail) */
export interface HealthResponse {
  ok: boolean;
  version: string;
  db: { ok: boolean; provider: "sqlite" | "postgres"; error?: string };
  index: { ok: boolean; backend: string | null; count: number | null; dims: number | null; error?: string };
  /** `dir`: relative to the app directory, or "…/<name>" when outside it (no absolute paths on this public route). */
  model: { name: string | null; dir: string; dims: number | null; loaded: boolean; error?: string };
  uptimeSec: number;
}

/** POST /api/admin/login: sets the httpOnly `bugsift_admin` cookie. */
export interface LoginResponse {
  ok: true;
  expiresAt: string;
}

export type JobKind = "reindex" | "import" | "train" | "evaluate";
export type JobState = "queued" | "running" | "succeeded" | "failed";

export interface JobDto {
  id: string;
  kind: JobKind | string;
  state: JobState | string;
  /** 0..1 */
  progress: number;
  total: number;
  processed: number;
  /** Per-kind counters, e.g. import {created, updated, unchanged, errors, links}, reindex {encoded}. */
  counts: Record<string, unknown> | null;
  error: string | null;
  modelVersionId: number | null;
  generation: string | null;
  createdAt: string;
  startedAt: string | null;
  heartbeatAt: string | null;
  finishedAt: string | null;
  /** Whether a failed reindex can continue its generation (POST /api/admin/reindex resumes it). */
  resumable?: boolean;
}

/** POST /api/admin/import (202), POST /api/admin/reindex (202) */
export interface JobStartedResponse {
  jobId: string;
  job: JobDto;
}

/** GET /api/admin/jobs */
export interface JobsResponse {
  jobs: JobDto[];
}

/** GET /api/admin/jobs/[id] */
export interface JobResponse {
  job: JobDto;
}

export interface ModelDto {
  id: number;
  name: string;
  path: string;
  kind: string;
  dims: number;
  pooling: string;
  baseModel: string | null;
  active: boolean;
  /** Parsed ModelVersion.metrics JSON (shape owned by lib/eval), null when not evaluated. */
  metrics: Record<string, unknown> | null;
  createdAt: string;
  /** Whether the directory exists on disk. */
  available: boolean;
}

/** GET /api/admin/models */
export interface ModelsResponse {
  models: ModelDto[];
  /** The model that the live index was built with / queries are encoded with. */
  serving: { name: string | null; dir: string; dims: number | null };
}

/** POST /api/admin/models/[id]/activate (202): starts a reindex with that model; it becomes active when the job succeeds. */
export type ActivateModelResponse = JobStartedResponse;

/** GET /api/admin/evaluation */
export interface EvaluationResponse {
  models: { id: number; name: string; active: boolean; createdAt: string; metrics: Record<string, unknown> | null }[];
}

export interface ThresholdDto {
  scope: string;
  likely: number;
  related: number;
  precision: number | null;
  recall: number | null;
  support: number;
  calibratedAt: string;
  /** True for built-in defaults (no row stored). */
  isDefault: boolean;
}

/** GET /api/admin/stats */
export interface StatsResponse {
  reports: { total: number; indexed: number; stale: number; bySource: FacetValue[]; byProduct: FacetValue[] };
  duplicates: { links: number; groups: number; largestGroup: number; byOrigin: FacetValue[] };
  decisions: { total: number; byVerdict: FacetValue[] };
  index: { backend: string | null; count: number | null; dims: number | null; generation: string | null };
  model: { name: string | null; dir: string; dims: number | null };
  thresholds: ThresholdDto[];
  jobs: { running: JobDto[]; last: JobDto | null };
}

/** POST /api/admin/thresholds/calibrate */
export interface CalibrateResponse {
  thresholds: ThresholdDto[];
  /** Per scope: positives/negatives used and F1 at the chosen threshold. */
  details: { scope: string; positives: number; negatives: number; f1: number | null; note?: string }[];
}

export interface SweepPair {
  a: ReportSummary;
  b: ReportSummary;
  score: number;
  tier: Tier;
  /** Already in the same duplicate cluster. */
  known: boolean;
}

/** GET /api/admin/sweep */
export interface SweepResponse {
  threshold: number;
  pairs: SweepPair[];
  scanned: number;
  tookMs: number;
}
