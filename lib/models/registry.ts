// The model registry: which encoder directory serves queries, and where a model's files are. One module
// for the server, the CLIs and the evaluation, so "the active model" means the same thing everywhere.
//
// Serving model = the model whose vectors the live index holds: the newest active ModelVersion, else
// MODEL_DIR (config().modelDir). Queries must be encoded with that same model.
import path from "node:path";
import { config } from "@/lib/config";
import type { ModelVersion, PrismaClient } from "@/lib/db/client";
import { getEncoder, type EncoderOptions, type OnnxEncoder } from "@/lib/embedding/encoder";

export interface ServingModel {
  /** ModelVersion.name, or the MODEL_DIR basename. */
  name: string;
  /** Absolute model directory. */
  dir: string;
  modelVersionId: number | null;
}

/** A ModelVersion.path (stored relative to the app directory when inside it) as an absolute directory. */
export function modelDirOf(storedPath: string, cwd: string = process.cwd()): string {
  return path.resolve(/*turbopackIgnore: true*/ cwd, storedPath);
}

/** The newest active ModelVersion, or null when none is active. */
export function activeModelVersion(db: PrismaClient): Promise<ModelVersion | null> {
  return db.modelVersion.findFirst({ where: { active: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}

/** The serving model: the active ModelVersion, else the configured default directory. */
export async function servingModelOf(db: PrismaClient, defaultModelDir: string): Promise<ServingModel> {
  const active = await activeModelVersion(db);
  return active
    ? { name: active.name, dir: modelDirOf(active.path), modelVersionId: active.id }
    : { name: path.basename(defaultModelDir), dir: defaultModelDir, modelVersionId: null };
}

/** MODEL_DIR (absolute), else models/default: the model used when no ModelVersion is active. */
export function defaultModelDir(): string {
  return config().modelDir;
}

/** The (cached) encoder of the default model directory. */
export function getDefaultEncoder(opts?: EncoderOptions): Promise<OnnxEncoder> {
  return getEncoder(defaultModelDir(), opts);
}
