// What the use cases return: plain data (dates as ISO 8601 strings), serialised as-is by the HTTP edge and
// read by the UI. Types only, so client components may import them.
import type { BotSettings, JobKind, JobState, SyncConnectorName, Tier, Verdict } from "@/lib/domain/types";

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
  /** The account that recorded it (null for decisions recorded before accounts existed). */
  authorId: number | null;
  /** Set when the decision was reverted: it no longer counts, the history keeps it. */
  revert: { by: string; byId: number; at: string } | null;
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
  /** True when the report contains every word of the query; false: similar in meaning only. */
  matchesWords: boolean;
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
  /** Exact searches: how many reports contain the phrase (null for meaning + keyword search). */
  total: number | null;
  /** True when only reports containing the query's words as a phrase were returned (`exact=1`). */
  exact: boolean;
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
  /** Fields equal on both sides (case-insensitive), e.g. [{field:"component", value:"Sync"}]; never the product. */
  fields: { field: "component" | "version" | "platform"; value: string }[];
  /** Shared rare terms (in at most 5% of the corpus's reports; never the product name), best first, max 12. */
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
  /** Cosine similarity of draft and `report` (in [-1, 1]); decides the tier, and candidates are ordered by it. */
  score: number;
  /** Weighted RRF score of dense and keyword ranks: decides which k clusters are returned (not their order). */
  fusedScore: number;
  tier: Tier;
  why: Why;
  /** Description excerpt of `report` around the matched terms. */
  snippet: Snippet;
}

/** POST /api/duplicates */
export interface DuplicatesResponse {
  candidates: DuplicateCandidate[];
  /** The tier thresholds used: the serving model's, for the product's scope; `calibrated` false = built-in defaults. */
  thresholds: { scope: string; likely: number; related: number; calibrated: boolean };
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
  /** Duplicate-check worker threads (CHECK_WORKERS) and how many are up; checks run in thread until one is. */
  checkWorkers: { configured: number; ready: number };
  uptimeSec: number;
}

/** POST /api/admin/login: a session for the bootstrap admin account (see SessionResponse). */
export type LoginResponse = SessionResponse;

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
  /** Parsed ModelVersion.metrics JSON (shape owned by lib/offline/eval), null when not evaluated. */
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

/** Tier thresholds of one model for one scope, with what each tier gave on the labelled pairs. */
export interface ThresholdDto {
  /** The model the thresholds belong to (cosines of different models are not comparable). */
  model: string;
  /** True for the model that serves queries now. */
  serving: boolean;
  /** "*" (every product without a row of its own) or a product. */
  scope: string;
  likely: number;
  related: number;
  /** Precision and recall of "score >= likely" as a duplicate prediction on the labelled pairs (null: defaults). */
  likelyPrecision: number | null;
  likelyRecall: number | null;
  /** Same for "score >= related" (the likely and related tiers together). */
  relatedPrecision: number | null;
  relatedRecall: number | null;
  /** Labelled pairs the scope was calibrated on: confirmed duplicates and non-duplicates. */
  positives: number;
  negatives: number;
  calibratedAt: string;
  /** True for built-in defaults (the model was not calibrated). */
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
  /** The model that was calibrated. */
  model: string;
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

/** GET /api/auth/me: who the caller is and how they may sign in. */
export interface MeResponse {
  user: { id: number; login: string; role: "viewer" | "triager" | "admin" } | null;
  via: "anonymous" | "session" | "token" | "bootstrap";
  /** Anonymous visitors may search and read. */
  publicRead: boolean;
  /** Identity providers configured (buttons on the sign-in page); local password sign-in is always offered. */
  providers: { id: string; name: string }[];
}

/** POST /api/auth/login (and /api/admin/login): sets the HttpOnly `bugsift_session` cookie. */
export interface SessionResponse {
  ok: true;
  user: { id: number; login: string; role: "viewer" | "triager" | "admin" };
  expiresAt: string;
}

/** Counters of a sync run (the current one while it runs). */
export interface SyncCounts {
  fetched: number;
  imported: number;
  updated: number;
  unchanged: number;
  skipped: number;
  rejected: number;
  links: number;
  indexed: number;
  pages: number;
  /** Duplicate links whose other side has not been synced yet (retried on every page). */
  pendingLinks: number;
}

/** One tracker connector: GET /api/admin/sync, POST /api/admin/sync/[source], PUT .../settings. */
export interface SyncSourceDto {
  name: SyncConnectorName;
  /** Set up through the environment (docs/sync.md); unconfigured connectors cannot run. */
  configured: boolean;
  /** Report.source key its reports are stored under, e.g. "github:acme/widgets". */
  source: string | null;
  /** Where the next incremental run starts (ISO time), null before the first run. */
  cursor: string | null;
  state: "idle" | "running" | "succeeded" | "failed";
  counts: SyncCounts | null;
  lastError: string | null;
  startedAt: string | null;
  heartbeatAt: string | null;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  /** Whether a webhook secret is set (the secret itself is never shown). */
  webhook: boolean;
  settings: BotSettings;
}
