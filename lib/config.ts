// The one configuration: every environment variable bugsift reads is named, parsed and validated here with
// zod, once per process, so a typo in a limit fails loudly at start-up instead of silently disabling it.
// Nothing else in the code reads process.env; it reads config() (or is handed an AppConfig).
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { isSqlite, sqlitePathFromUrl } from "@/lib/db/url";

export const APP_VERSION = "0.1.0";
export const DEFAULT_DATABASE_URL = "file:./data/bugsift.db";

/** How a re-index encodes (lib/core.ts backgroundEncoderFor). */
export const REINDEX_ENCODERS = ["worker", "inline", "shared"] as const;
export type ReindexEncoderMode = (typeof REINDEX_ENCODERS)[number];

export const ANN_QUANTIZATIONS = ["f32", "f16", "i8"] as const;
export type AnnQuantization = (typeof ANN_QUANTIZATIONS)[number];

/** The embedded index's ANN graph (lib/vector/ann.ts). */
export interface AnnOptions {
  /** Generations with fewer points are searched exactly by sqlite-vec (ANN_MIN_POINTS). */
  minPoints: number;
  /** Scalar type of the vectors inside the graph (ANN_QUANTIZATION); re-ranking is always f32. */
  quantization: AnnQuantization;
}

export interface QdrantConfig {
  url: string;
  apiKey?: string;
  collection?: string;
  shardNumber?: number;
  replicationFactor?: number;
  writeConsistencyFactor?: number;
  quantization: "int8" | "none";
  batchSize?: number;
}

/** A tracker connector's settings (lib/sync); credentials stay here and in request headers, never in rows or logs. */
export interface GithubSyncConfig {
  /** "owner/repo". */
  repo: string;
  apiUrl: string;
  token?: string;
  webhookSecret?: string;
}

export interface BugzillaSyncConfig {
  /** Site root, e.g. "https://bugzilla.mozilla.org" (REST under /rest). */
  url: string;
  apiKey?: string;
  /** Only bugs of these products (empty = all the key can see). */
  products: string[];
  webhookSecret?: string;
}

export interface JiraSyncConfig {
  /** Site root, e.g. "https://issues.apache.org/jira". */
  url: string;
  project: string;
  /** With `token`: HTTP basic (Jira Cloud API token); without: the token is a bearer personal access token. */
  email?: string;
  token?: string;
  /** IANA zone the sync user's Jira profile uses: JQL dates are read in it. */
  timeZone: string;
  webhookSecret?: string;
}

export interface SyncConfig {
  github: GithubSyncConfig | null;
  bugzilla: BugzillaSyncConfig | null;
  jira: JiraSyncConfig | null;
  /** Reports asked for per API page. */
  pageSize: number;
  /** Retries of one request after 429/503/network errors before the sync fails. */
  maxRetries: number;
  /** Longest single wait for a rate limit to reset; a longer one fails the run (it resumes from its cursor). */
  maxWaitMs: number;
}

export interface AppConfig {
  databaseUrl: string;
  /** Qdrant cluster settings; null = the embedded sqlite-vec index. */
  qdrant: QdrantConfig | null;
  /** SQLite file of the embedded index: the app's database file, else INDEX_SQLITE_PATH or data/vectors.db. */
  indexSqlitePath: string;
  /** ANN graph beside the embedded index: size from which dense search uses it, and its scalar type. */
  ann: AnnOptions;
  /**
   * Worker threads the server runs duplicate checks on (CHECK_WORKERS; 0 = on the main thread). Embedded
   * index only: with Qdrant the index reads are remote.
   */
  checkWorkers: number;
  /** Encoder directory used when no ModelVersion is active. */
  modelDir: string;
  /** ADMIN_TOKEN; null means "read data/admin-token". */
  adminToken: string | null;
  adminTokenFile: string;
  maxBodyBytes: number;
  maxImportBytes: number;
  /** Public endpoints: sustained requests per minute per client IP; 0 disables limiting. */
  rateLimitPerMin: number;
  rateLimitBurst: number;
  /** Take the client IP from x-forwarded-for (only behind a trusted proxy). */
  trustProxy: boolean;
  /** A running job whose heartbeat is older than this is considered dead. */
  staleJobMs: number;
  reindexBatchSize: number;
  reindexEncoder: ReindexEncoderMode;
  /** Sweeps over more reports than this are refused (the matrix holds n x dims floats; ask for a product). */
  sweepMaxReports: number;
  /** Let onnxruntime's threads spin between runs (faster batches, busier idle CPU). */
  ortAllowSpinning: boolean;
  /** Prefix of the keys given to reports filed in bugsift ("BS" -> BS-1, BS-2, …). */
  reportKeyPrefix: string;
  /** TEST_MODEL_DIR: the encoder the test suite serves and indexes with instead of the one it picks (tests only). */
  testModelDir: string | null;
  auth: AuthConfig;
  /** Live sync connectors and webhooks (docs/sync.md). */
  sync: SyncConfig;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Label of the sign-in button. */
  name: string;
}

export interface GithubOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** https://github.com, or a GitHub Enterprise Server's base URL. */
  url: string;
  /** REST API base: https://api.github.com, or <url>/api/v3 on GitHub Enterprise Server. */
  apiUrl: string;
}

export interface AuthConfig {
  /** Anonymous visitors may search and read (a public tracker); false = everything needs an account. */
  publicRead: boolean;
  /** Role of an account created by its first OpenID Connect / GitHub sign-in. */
  defaultRole: "viewer" | "triager";
  /** Public base URL (BUGSIFT_URL, no trailing slash): OAuth redirect URIs behind a proxy and links in bot comments;
   * null = taken from the request. */
  publicUrl: string | null;
  sessionTtlMs: number;
  /** Password sign-in attempts per minute per account and per client IP. */
  loginAttemptsPerMin: number;
  oidc: OidcConfig | null;
  github: GithubOAuthConfig | null;
}

/**
 * One duplicate-check worker per core, at most 4: a check is CPU-bound native work, so more workers than cores
 * only queue inside the OS, and each worker holds its own copy of the encoder and the ANN graph.
 */
const defaultCheckWorkers = (): number => Math.min(4, os.availableParallelism());

/** Unset and blank both mean "use the default". */
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v);
const text = () => z.preprocess(blank, z.string().optional());
/**
 * One env variable: unset or blank gives `def`; otherwise `parse` returns the value, or an error message naming
 * the variable and what it must be (reported by loadConfig with every other bad variable).
 */
function envValue<T>(def: T, parse: (raw: string) => { value: T } | { error: string }) {
  return z.preprocess(
    blank,
    z
      .string()
      .optional()
      .transform((raw, ctx): T => {
        if (raw === undefined) return def;
        const r = parse(raw);
        if ("error" in r) {
          ctx.addIssue({ code: "custom", message: r.error });
          return z.NEVER;
        }
        return r.value;
      }),
  );
}
const int = (name: string, def: number, min: number, max: number) =>
  envValue<typeof def>(def, (raw) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? { value: n } : { error: `${name} must be an integer in ${min}..${max} (got "${raw}")` };
  });
const optInt = (name: string) =>
  envValue<number | undefined>(undefined, (raw) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= 1 ? { value: n } : { error: `${name} must be a positive integer, got "${raw}"` };
  });
const httpUrl = (name: string) =>
  envValue<string | undefined>(undefined, (raw) => {
    const protocol = URL.canParse(raw) ? new URL(raw).protocol : "";
    return protocol === "http:" || protocol === "https:"
      ? { value: raw.replace(/\/+$/, "") }
      : { error: `${name} must be an http(s) URL (got "${raw}")` };
  });
const bool = (name: string, def: boolean) =>
  envValue<typeof def>(def, (raw) => {
    const v = raw.toLowerCase();
    if (["1", "true", "yes", "on"].includes(v)) return { value: true };
    if (["0", "false", "no", "off"].includes(v)) return { value: false };
    return { error: `${name} must be 1/0/true/false (got "${raw}")` };
  });

const EnvSchema = z.object({
  DATABASE_URL: text(),
  QDRANT_URL: text(),
  QDRANT_API_KEY: text(),
  QDRANT_COLLECTION: text(),
  QDRANT_SHARDS: optInt("QDRANT_SHARDS"),
  QDRANT_REPLICAS: optInt("QDRANT_REPLICAS"),
  QDRANT_WRITE_CONSISTENCY: optInt("QDRANT_WRITE_CONSISTENCY"),
  QDRANT_BATCH_SIZE: optInt("QDRANT_BATCH_SIZE"),
  QDRANT_QUANTIZATION: z.preprocess(
    (v) => (typeof blank(v) === "string" ? (blank(v) as string).toLowerCase() : undefined),
    z.enum(["int8", "none"], { error: (i) => `QDRANT_QUANTIZATION must be "int8" or "none", got "${String(i.input)}"` }).default("none"),
  ),
  INDEX_SQLITE_PATH: text(),
  MODEL_DIR: text(),
  TEST_MODEL_DIR: text(),
  ADMIN_TOKEN: text(),
  ADMIN_TOKEN_FILE: text(),
  MAX_BODY_BYTES: int("MAX_BODY_BYTES", 256 * 1024, 1024, 64 * 1024 * 1024),
  MAX_IMPORT_BYTES: int("MAX_IMPORT_BYTES", 2 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  RATE_LIMIT_PER_MIN: int("RATE_LIMIT_PER_MIN", 120, 0, 1_000_000),
  RATE_LIMIT_BURST: int("RATE_LIMIT_BURST", 30, 1, 1_000_000),
  TRUST_PROXY: bool("TRUST_PROXY", false),
  STALE_JOB_MS: int("STALE_JOB_MS", 60_000, 1000, 24 * 3600_000),
  REINDEX_BATCH_SIZE: int("REINDEX_BATCH_SIZE", 64, 1, 4096),
  REINDEX_ENCODER: z.preprocess(
    blank,
    z.enum(REINDEX_ENCODERS, { error: (i) => `REINDEX_ENCODER must be worker, inline or shared (got "${String(i.input)}")` }).default("worker"),
  ),
  ANN_MIN_POINTS: int("ANN_MIN_POINTS", 10_000, 1, 2_000_000_000),
  ANN_QUANTIZATION: z.preprocess(
    (v) => (typeof blank(v) === "string" ? (blank(v) as string).toLowerCase() : undefined),
    z.enum(ANN_QUANTIZATIONS, { error: (i) => `ANN_QUANTIZATION must be f32, f16 or i8 (got "${String(i.input)}")` }).default("f16"),
  ),
  CHECK_WORKERS: int("CHECK_WORKERS", defaultCheckWorkers(), 0, 64),
  SWEEP_MAX_REPORTS: int("SWEEP_MAX_REPORTS", 200_000, 1, 10_000_000),
  ORT_ALLOW_SPINNING: z.preprocess(blank, z.string().optional()).transform((v) => v === "1"),
  REPORT_KEY_PREFIX: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[A-Z][A-Z0-9]{0,9}$/, { error: (i) => `REPORT_KEY_PREFIX must be 1-10 capital letters or digits, starting with a letter (got "${String(i.input)}")` })
      .default("BS"),
  ),
  BUGSIFT_PUBLIC_READ: bool("BUGSIFT_PUBLIC_READ", true),
  BUGSIFT_DEFAULT_ROLE: z.preprocess(
    blank,
    z.enum(["viewer", "triager"], { error: (i) => `BUGSIFT_DEFAULT_ROLE must be viewer or triager (got "${String(i.input)}")` }).default("viewer"),
  ),
  BUGSIFT_URL: httpUrl("BUGSIFT_URL"),
  SESSION_TTL_HOURS: int("SESSION_TTL_HOURS", 72, 1, 24 * 365),
  LOGIN_ATTEMPTS_PER_MIN: int("LOGIN_ATTEMPTS_PER_MIN", 10, 1, 10_000),
  OIDC_ISSUER: z.preprocess(blank, z.url({ error: (i) => `OIDC_ISSUER must be an absolute URL (got "${String(i.input)}")` }).optional()),
  OIDC_CLIENT_ID: text(),
  OIDC_CLIENT_SECRET: text(),
  OIDC_NAME: text(),
  GITHUB_CLIENT_ID: text(),
  GITHUB_CLIENT_SECRET: text(),
  GITHUB_URL: httpUrl("GITHUB_URL"),
  GITHUB_REPO: z.preprocess(
    blank,
    z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: (i) => `GITHUB_REPO must be "owner/repo" (got "${String(i.input)}")` }).optional(),
  ),
  GITHUB_API_URL: httpUrl("GITHUB_API_URL"),
  GITHUB_TOKEN: text(),
  GITHUB_WEBHOOK_SECRET: text(),
  BUGZILLA_URL: httpUrl("BUGZILLA_URL"),
  BUGZILLA_API_KEY: text(),
  BUGZILLA_PRODUCTS: text(),
  BUGZILLA_WEBHOOK_SECRET: text(),
  JIRA_URL: httpUrl("JIRA_URL"),
  JIRA_PROJECT: z.preprocess(
    blank,
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: (i) => `JIRA_PROJECT must be a project key like HADOOP (got "${String(i.input)}")` }).optional(),
  ),
  JIRA_EMAIL: text(),
  JIRA_TOKEN: text(),
  JIRA_TIMEZONE: z.preprocess(
    blank,
    z
      .string()
      .refine(validTimeZone, { error: (i) => `JIRA_TIMEZONE must be an IANA time zone like Europe/Berlin (got "${String(i.input)}")` })
      .default("UTC"),
  ),
  JIRA_WEBHOOK_SECRET: text(),
  SYNC_PAGE_SIZE: int("SYNC_PAGE_SIZE", 100, 1, 1000),
  SYNC_MAX_RETRIES: int("SYNC_MAX_RETRIES", 5, 0, 100),
  SYNC_MAX_WAIT_MS: int("SYNC_MAX_WAIT_MS", 15 * 60_000, 0, 24 * 3600_000),
});

/** A provider is configured by all of its variables or none; half a configuration is an error, not a silent "off". */
function allOrNone(names: Record<string, string | undefined>): boolean {
  const set = Object.entries(names).filter(([, v]) => v !== undefined);
  if (set.length === 0) return false;
  if (set.length < Object.keys(names).length) {
    const missing = Object.keys(names).filter((k) => names[k] === undefined);
    throw new Error(`${missing.join(", ")} must be set too (${set.map(([k]) => k).join(", ")} ${set.length === 1 ? "is" : "are"} set)`);
  }
  return true;
}

function authConfig(e: z.infer<typeof EnvSchema>): AuthConfig {
  const oidc = allOrNone({ OIDC_ISSUER: e.OIDC_ISSUER, OIDC_CLIENT_ID: e.OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: e.OIDC_CLIENT_SECRET })
    ? { issuer: e.OIDC_ISSUER!, clientId: e.OIDC_CLIENT_ID!, clientSecret: e.OIDC_CLIENT_SECRET!, name: e.OIDC_NAME ?? "OpenID Connect" }
    : null;
  let github: GithubOAuthConfig | null = null;
  if (allOrNone({ GITHUB_CLIENT_ID: e.GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET: e.GITHUB_CLIENT_SECRET })) {
    const url = e.GITHUB_URL ?? "https://github.com";
    github = {
      clientId: e.GITHUB_CLIENT_ID!,
      clientSecret: e.GITHUB_CLIENT_SECRET!,
      url,
      apiUrl: url === "https://github.com" ? "https://api.github.com" : `${url}/api/v3`,
    };
  }
  return {
    publicRead: e.BUGSIFT_PUBLIC_READ,
    defaultRole: e.BUGSIFT_DEFAULT_ROLE,
    publicUrl: e.BUGSIFT_URL ?? null,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    loginAttemptsPerMin: e.LOGIN_ATTEMPTS_PER_MIN,
    oidc,
    github,
  };
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Partial sync settings name the variable that is missing. */
function requireWith(have: string, missing: string, value: unknown): void {
  if (value === undefined) throw new Error(`${have} is set but ${missing} is not; set both (docs/sync.md)`);
}

/** The embedded index lives in the app's SQLite file; next to a Postgres database it needs a file of its own. */
function indexSqlitePath(databaseUrl: string, explicit: string | undefined, cwd: string): string {
  if (isSqlite(databaseUrl)) {
    try {
      return sqlitePathFromUrl(databaseUrl);
    } catch {
      // A malformed file: URL is reported when the database is opened, with the URL in the message.
    }
  }
  return path.resolve(/*turbopackIgnore: true*/ cwd, explicit ?? "data/vectors.db");
}

/** Parses `env` (default: the process environment) into an AppConfig; throws one line per bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
  const e = parsed.data;
  const cwd = process.cwd();
  if (e.JIRA_URL || e.JIRA_PROJECT) {
    requireWith("JIRA_URL", "JIRA_PROJECT", e.JIRA_PROJECT);
    requireWith("JIRA_PROJECT", "JIRA_URL", e.JIRA_URL);
  }
  if (e.JIRA_EMAIL) requireWith("JIRA_EMAIL", "JIRA_TOKEN", e.JIRA_TOKEN);
  const databaseUrl = e.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  return {
    databaseUrl,
    qdrant: e.QDRANT_URL
      ? {
          url: e.QDRANT_URL,
          apiKey: e.QDRANT_API_KEY,
          collection: e.QDRANT_COLLECTION,
          shardNumber: e.QDRANT_SHARDS,
          replicationFactor: e.QDRANT_REPLICAS,
          writeConsistencyFactor: e.QDRANT_WRITE_CONSISTENCY,
          quantization: e.QDRANT_QUANTIZATION,
          batchSize: e.QDRANT_BATCH_SIZE,
        }
      : null,
    indexSqlitePath: indexSqlitePath(databaseUrl, e.INDEX_SQLITE_PATH, cwd),
    ann: { minPoints: e.ANN_MIN_POINTS, quantization: e.ANN_QUANTIZATION },
    checkWorkers: e.CHECK_WORKERS,
    modelDir: path.resolve(/*turbopackIgnore: true*/ cwd, e.MODEL_DIR ?? "models/default"),
    adminToken: e.ADMIN_TOKEN ?? null,
    adminTokenFile: path.resolve(/*turbopackIgnore: true*/ cwd, e.ADMIN_TOKEN_FILE ?? "data/admin-token"),
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxImportBytes: e.MAX_IMPORT_BYTES,
    rateLimitPerMin: e.RATE_LIMIT_PER_MIN,
    rateLimitBurst: e.RATE_LIMIT_BURST,
    trustProxy: e.TRUST_PROXY,
    staleJobMs: e.STALE_JOB_MS,
    reindexBatchSize: e.REINDEX_BATCH_SIZE,
    reindexEncoder: e.REINDEX_ENCODER,
    sweepMaxReports: e.SWEEP_MAX_REPORTS,
    ortAllowSpinning: e.ORT_ALLOW_SPINNING,
    reportKeyPrefix: e.REPORT_KEY_PREFIX,
    testModelDir: e.TEST_MODEL_DIR ? path.resolve(/*turbopackIgnore: true*/ cwd, e.TEST_MODEL_DIR) : null,
    auth: authConfig(e),
    sync: {
      github: e.GITHUB_REPO
        ? { repo: e.GITHUB_REPO, apiUrl: e.GITHUB_API_URL ?? "https://api.github.com", token: e.GITHUB_TOKEN, webhookSecret: e.GITHUB_WEBHOOK_SECRET }
        : null,
      bugzilla: e.BUGZILLA_URL
        ? {
            url: e.BUGZILLA_URL,
            apiKey: e.BUGZILLA_API_KEY,
            products: (e.BUGZILLA_PRODUCTS ?? "").split(",").map((p) => p.trim()).filter(Boolean),
            webhookSecret: e.BUGZILLA_WEBHOOK_SECRET,
          }
        : null,
      jira:
        e.JIRA_URL && e.JIRA_PROJECT
          ? {
              url: e.JIRA_URL,
              project: e.JIRA_PROJECT.toUpperCase(),
              email: e.JIRA_EMAIL,
              token: e.JIRA_TOKEN,
              timeZone: e.JIRA_TIMEZONE,
              webhookSecret: e.JIRA_WEBHOOK_SECRET,
            }
          : null,
      pageSize: e.SYNC_PAGE_SIZE,
      maxRetries: e.SYNC_MAX_RETRIES,
      maxWaitMs: e.SYNC_MAX_WAIT_MS,
    },
  };
}

let cached: AppConfig | null = null;

/** The process-wide config (environment read on first call). */
export function config(): AppConfig {
  cached ??= loadConfig();
  return cached;
}

/** Forget the cached config (tests that change the environment between cases). */
export function resetConfig(): void {
  cached = null;
}
