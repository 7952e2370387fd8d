// Runtime configuration from the environment, read once per process and validated, so a typo in a
// limit fails loudly at first use instead of silently disabling it.
import path from "node:path";
import { databaseUrl } from "@/lib/db/client";

export interface AppConfig {
  databaseUrl: string;
  qdrantUrl: string | null;
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
  /** Sweeps over more reports than this are refused (one kNN query per report; ask for a product). */
  sweepMaxReports: number;
}

function intEnv(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer in ${min}..${max} (got "${raw}")`);
  }
  return n;
}

function boolEnv(name: string, def: boolean): boolean {
  const raw = process.env[name]?.trim().toLowerCase();
  if (!raw) return def;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new Error(`${name} must be 1/0/true/false (got "${raw}")`);
}

export function loadConfig(): AppConfig {
  const token = process.env.ADMIN_TOKEN?.trim();
  return {
    databaseUrl: databaseUrl(),
    qdrantUrl: process.env.QDRANT_URL?.trim() || null,
    modelDir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), process.env.MODEL_DIR?.trim() || "models/default"),
    adminToken: token ? token : null,
    adminTokenFile: path.resolve(/*turbopackIgnore: true*/ process.cwd(), process.env.ADMIN_TOKEN_FILE?.trim() || "data/admin-token"),
    maxBodyBytes: intEnv("MAX_BODY_BYTES", 256 * 1024, 1024, 64 * 1024 * 1024),
    maxImportBytes: intEnv("MAX_IMPORT_BYTES", 2 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    rateLimitPerMin: intEnv("RATE_LIMIT_PER_MIN", 120, 0, 1_000_000),
    rateLimitBurst: intEnv("RATE_LIMIT_BURST", 30, 1, 1_000_000),
    trustProxy: boolEnv("TRUST_PROXY", false),
    staleJobMs: intEnv("STALE_JOB_MS", 60_000, 1000, 24 * 3600_000),
    reindexBatchSize: intEnv("REINDEX_BATCH_SIZE", 64, 1, 4096),
    sweepMaxReports: intEnv("SWEEP_MAX_REPORTS", 20_000, 1, 10_000_000),
  };
}

let cached: AppConfig | null = null;

/** The process-wide config (env read on first call). */
export function config(): AppConfig {
  cached ??= loadConfig();
  return cached;
}

/** Forget the cached config (tests that change env between cases). */
export function resetConfig(): void {
  cached = null;
}

export const APP_VERSION = "0.1.0";
