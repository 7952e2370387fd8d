// The vocabulary of bugsift: the closed sets (verdicts, tiers, job kinds, import formats) and the inputs the
// use cases take. The HTTP edge builds its zod schemas from these lists; nothing here knows about HTTP.

/** A triager's verdict on a pair of reports. */
export const VERDICTS = ["duplicate", "not_duplicate", "related"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** How likely a candidate is a duplicate, from the per-product thresholds. */
export const TIERS = ["likely", "related", "below"] as const;
export type Tier = (typeof TIERS)[number];

export const JOB_KINDS = ["reindex", "import", "train", "evaluate"] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export type JobState = "queued" | "running" | "succeeded" | "failed";

/** Tracker export formats the importer reads (lib/ingest). */
export const IMPORT_FORMATS = ["bugzilla", "github", "jira", "jsonl", "csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Trackers bugsift can sync from live and comment on (lib/sync, lib/bot). */
export const SYNC_CONNECTORS = ["github", "bugzilla", "jira"] as const;
export type SyncConnectorName = (typeof SYNC_CONNECTORS)[number];

/** Per-tracker duplicate bot settings (stored on the SyncSource row, edited on the admin page). */
export interface BotSettings {
  /** Comment on new reports at all. */
  enabled: boolean;
  /** Log the comment instead of posting it. */
  dryRun: boolean;
  /** Minimum cosine score of a suggested candidate; null = the calibrated "likely" threshold. */
  threshold: number | null;
  /** Label (GitHub label, Jira label, Bugzilla keyword) added when a comment is posted; null = none. */
  label: string | null;
  /** Candidates listed in the comment. */
  maxCandidates: number;
}

export const DEFAULT_BOT_SETTINGS: BotSettings = { enabled: false, dryRun: false, threshold: null, label: null, maxCandidates: 3 };

/** Filters shared by search, browse and the index (same semantics on the database and the index side). */
export interface ReportFilters {
  product?: string;
  component?: string;
  status?: string;
  /** ISO date (inclusive, start of day) or date-time (inclusive). */
  from?: string;
  /** ISO date (inclusive, whole day) or date-time (inclusive). */
  to?: string;
}

/** A report being written (not yet stored): what the duplicate check and report creation take. */
export interface Draft {
  title: string;
  description: string;
  product?: string;
  component?: string;
  version?: string;
  platform?: string;
}

/** A new report: a draft plus optional tracker fields. */
export interface CreateReport extends Draft {
  source: string;
  /** Default: the next bugsift key, "<REPORT_KEY_PREFIX>-<n>" (BS-1, BS-2, …). */
  externalId?: string;
  url?: string;
  status?: string;
  resolution?: string;
  reporter?: string;
  createdAt?: string;
}

/** A change to a stored report: any subset; null clears an optional field. */
export interface UpdateReport {
  title?: string;
  description?: string;
  product?: string | null;
  component?: string | null;
  version?: string | null;
  platform?: string | null;
  status?: string | null;
  resolution?: string | null;
  reporter?: string | null;
  url?: string | null;
}

/** Browse stored reports, newest first. */
export interface ListReportsQuery extends ReportFilters {
  limit: number;
  offset: number;
}
