// The HTTP contract of bugsift: zod schemas for every request (body or query string), built from the domain's
// vocabulary (lib/domain/types) and checked against the domain's input types, and the error body. Response
// types are the domain's views (lib/domain/views), re-exported so UI code has one contract to import. No
// Next.js or server-only imports here, so this module is safe to import from client components.
import { z } from "zod";
import { ROLES } from "@/lib/accounts/roles";
import { AUDIT_ACTIONS } from "@/lib/accounts/audit";
import {
  IMPORT_FORMATS,
  JOB_KINDS,
  SYNC_CONNECTORS,
  VERDICTS,
  type CreateReport,
  type Draft,
  type ListReportsQuery,
  type ReportFilters,
  type UpdateReport,
} from "@/lib/domain/types";

export type * from "@/lib/domain/views";
export type { CreateReport, Draft, ImportFormat, JobKind, JobState, ListReportsQuery, Tier, UpdateReport, Verdict } from "@/lib/domain/types";

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

export const VerdictSchema = z.enum(VERDICTS);

/** The report filters search and browse share (lib/domain/types ReportFilters); blank fields mean "any". */
export const ReportFiltersSchema = z.object({
  product: optText(LIMITS.field),
  component: optText(LIMITS.field),
  status: optText(LIMITS.field),
  from: DateParamSchema.optional(),
  to: DateParamSchema.optional(),
}) satisfies z.ZodType<ReportFilters>;

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/** GET /api/search query string. `q` may be empty only when at least one filter is set (then newest first). */
export const SearchQuerySchema = ReportFiltersSchema.extend({
  q: z.string().trim().max(LIMITS.query).default(""),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxSearchLimit).default(20),
  offset: z.coerce.number().int().min(0).max(1000).default(0),
  /** "1"/"true": only reports containing the query's words as a phrase (with their total). */
  exact: z
    .enum(["0", "1", "true", "false"], { message: 'exact must be "1" or "0"' })
    .optional()
    .transform((v) => v === "1" || v === "true"),
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
}) satisfies z.ZodType<Draft>;
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
  /** Default: the next bugsift key, "<REPORT_KEY_PREFIX>-<n>" (BS-1, BS-2, …). */
  externalId: optText(LIMITS.field),
  url: z.string().trim().url().max(2000).optional(),
  status: optText(LIMITS.field),
  resolution: optText(LIMITS.field),
  reporter: optText(LIMITS.field),
  createdAt: DateParamSchema.optional(),
}) satisfies z.ZodType<CreateReport>;
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
  .refine((o) => Object.keys(o).length > 0, { message: "no fields to update" }) satisfies z.ZodType<UpdateReport>;

/** GET /api/reports query string (browse, newest first). */
export const ListReportsQuerySchema = ReportFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).max(LIMITS.maxSearchLimit).default(20),
  offset: z.coerce.number().int().min(0).default(0),
}) satisfies z.ZodType<ListReportsQuery>;

/** GET /api/reports/[id]/similar query string. */
export const SimilarQuerySchema = z.object({
  k: z.coerce.number().int().min(1).max(LIMITS.maxK).default(10),
});

/**
 * POST /api/triage body. The actor is the signed-in account (session or API token); a typed `actor`
 * field is refused so no client can believe it chose whom a verdict is attributed to.
 */
export const TriageRequestSchema = z.object({
  reportId: IdSchema,
  otherId: IdSchema,
  verdict: VerdictSchema,
  actor: z.undefined({ error: "actor is the signed-in account; remove the actor field" }).optional(),
  note: z.string().trim().max(LIMITS.note).optional(),
});
export type TriageRequest = z.infer<typeof TriageRequestSchema>;

/** POST /api/admin/login body: the bootstrap admin token. */
export const LoginRequestSchema = z.object({ token: z.string().min(1).max(1000) });

export const RoleSchema = z.enum(ROLES);

/** POST /api/auth/login body: a local account. */
export const PasswordLoginSchema = z.object({
  login: z.string().trim().min(1, "login is required").max(64),
  password: z.string().min(1, "password is required").max(1000),
});

/** POST /api/account/tokens body. */
export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100),
  role: RoleSchema,
  /** Optional: when the token stops working; a date alone means the start of that day (UTC). Must be in the future. */
  expiresAt: DateParamSchema.transform((s) => new Date(s)).optional(),
});

/** POST /api/account/password body. */
export const ChangePasswordSchema = z.object({
  current: z.string().min(1, "current is required").max(1000),
  password: z.string().min(1, "password is required").max(1000),
});

/** POST /api/admin/users body: a local account. */
export const CreateUserSchema = z.object({
  login: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(1000),
  role: RoleSchema,
  name: z.string().trim().max(200).optional(),
  email: z.string().trim().max(200).optional(),
});

/** PATCH /api/admin/users/[id] body. */
export const UpdateUserSchema = z
  .object({ role: RoleSchema.optional(), disabled: z.boolean().optional(), password: z.string().min(1).max(1000).optional() })
  .strict()
  .refine((v) => v.role !== undefined || v.disabled !== undefined || v.password !== undefined, { message: "send role, disabled or password" });

/** Sign-in start query: where to return afterwards (a path on this site). */
export const SignInStartQuerySchema = z.object({
  returnTo: z
    .string()
    .max(500)
    .refine((s) => s.startsWith("/") && !s.startsWith("//") && !s.includes("\\"), { message: "returnTo must be a path on this site" })
    .default("/"),
});

export const ImportFormatSchema = z.enum(IMPORT_FORMATS);

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

/** [source] segment of /api/admin/sync/[source]. */
export const SyncConnectorSchema = z.enum(SYNC_CONNECTORS, {
  error: (i) => `unknown tracker "${String(i.input)}" (expected ${SYNC_CONNECTORS.join(", ")})`,
});

/** POST /api/admin/sync/[source] body (optional). */
export const SyncStartRequestSchema = z
  .object({
    /** Start from the beginning instead of the stored cursor. */
    full: z.boolean().default(false),
  })
  .strict()
  .default({ full: false });

/** PUT /api/admin/sync/[source]/settings body: the bot settings to change. */
export const BotSettingsPatchSchema = z
  .object({
    enabled: z.boolean(),
    dryRun: z.boolean(),
    /** Minimum cosine score of a suggestion; null = the calibrated "likely" threshold. */
    threshold: z.number().min(-1).max(1).nullable(),
    label: z.string().trim().min(1).max(50).regex(/^[^\s,][^,]*$/, "a label has no commas").nullable(),
    maxCandidates: z.number().int().min(1).max(10),
  })
  .partial()
  .strict();

/** GET /api/admin/jobs query string. */
/** GET /api/admin/audit (and the Audit log page's filters). */
export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: IdSchema.optional(),
  action: z.enum(AUDIT_ACTIONS, { message: `action must be one of ${AUDIT_ACTIONS.join(", ")}` }).optional(),
  actor: z.string().trim().min(1).max(200).optional(),
});

export const ListJobsQuerySchema = z.object({
  kind: z.enum(JOB_KINDS).optional(),
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

export type { ApiTokenView, OwnedApiTokenView } from "@/lib/accounts/tokens";
export type { UserView } from "@/lib/accounts/users";
export type { Role } from "@/lib/accounts/roles";

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
      | "forbidden"
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

