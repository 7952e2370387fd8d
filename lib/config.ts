// The one configuration: every environment variable bugsift reads is named, parsed and validated here with
// zod, once per process, so a typo in a limit fails loudly at start-up instead of silently disabling it.
// Nothing else in the code reads process.env; it reads config() (or is handed an AppConfig).
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

export interface AppConfig {
  databaseUrl: string;
  /** Qdrant cluster settings; null = the embedded sqlite-vec index. */
  qdrant: QdrantConfig | null;
  /** SQLite file of the embedded index: the app's database file, else INDEX_SQLITE_PATH or data/vectors.db. */
  indexSqlitePath: string;
  /** ANN graph beside the embedded index: size from which dense search uses it, and its scalar type. */
  ann: AnnOptions;
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
}

/** Unset and blank both mean "use the default". */
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v);
const text = () => z.preprocess(blank, z.string().optional());
const int = (name: string, def: number, min: number, max: number) =>
  z.preprocess(
    blank,
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return def;
        const n = Number(raw);
        if (!Number.isInteger(n) || n < min || n > max) {
          ctx.addIssue({ code: "custom", message: `${name} must be an integer in ${min}..${max} (got "${raw}")` });
          return z.NEVER;
        }
        return n;
      }),
  );
const optInt = (name: string) =>
  z.preprocess(
    blank,
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return undefined;
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1) {
          ctx.addIssue({ code: "custom", message: `${name} must be a positive integer, got "${raw}"` });
          return z.NEVER;
        }
        return n;
      }),
  );
const bool = (name: string, def: boolean) =>
  z.preprocess(
    blank,
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return def;
        const v = raw.toLowerCase();
        if (["1", "true", "yes", "on"].includes(v)) return true;
        if (["0", "false", "no", "off"].includes(v)) return false;
        ctx.addIssue({ code: "custom", message: `${name} must be 1/0/true/false (got "${raw}")` });
        return z.NEVER;
      }),
  );

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
  SWEEP_MAX_REPORTS: int("SWEEP_MAX_REPORTS", 200_000, 1, 10_000_000),
  ORT_ALLOW_SPINNING: z.preprocess(blank, z.string().optional()).transform((v) => v === "1"),
});

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
