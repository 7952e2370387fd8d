// Orchestration shared by scripts/train.ts and scripts/build-default-model.ts: database -> training data ->
// trained model dir -> ModelVersion row. The gate (evaluation + promotion) lives in lib/offline/eval.
import fs from "node:fs";
import path from "node:path";
import type { ModelVersion, PrismaClient } from "@/lib/db/client";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { loadModelDir } from "@/lib/embedding/modeldir";
import { TextTokenizer } from "@/lib/embedding/tokenizer";
import { withEmbeddingCache } from "@/lib/offline/eval/embedding-cache";
import { describeSplit } from "@/lib/offline/eval/split";
import {
  buildExamples,
  DEFAULT_SPLIT,
  loadTrainingData,
  TextTable,
  verdictNegatives,
  type SplitSpec,
  type TextScope,
  type TrainingData,
} from "@/lib/offline/train/data";
import { precomputeEmbeddings, saveHeadModelDir, trainLinearHead, type HeadTrainOptions, type RowExample } from "@/lib/offline/train/head";
import type { LossName } from "@/lib/offline/train/losses";
import { saveStaticModel } from "@/lib/offline/train/static-model";
import { trainStaticRecipe, type RecipeOverrides, type StaticRecipeResult } from "@/lib/offline/train/static-recipe";
import type { TrainProgress, TrainSummary } from "@/lib/offline/train/static-train";

/** The tokenizer shipped in the repo (BERT uncased WordPiece, identical to bert-base-uncased's tokenizer.json). */
export const DEFAULT_TOKENIZER_DIR = path.join("assets", "tokenizer");

export function formatProgress(p: TrainProgress): string {
  return `epoch ${p.epoch} step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)} (epoch mean ${p.epochLoss.toFixed(4)}) lr ${p.lr.toExponential(2)}`;
}

export interface CommonRunOptions {
  out: string;
  split?: SplitSpec;
  textScope?: TextScope;
  /** Only reports of these sources. */
  sources?: string[];
  onLine?: (line: string) => void;
}

export interface StaticRunOptions extends CommonRunOptions {
  tokenizerDir?: string;
  recipe?: RecipeOverrides;
}

export interface RunResult {
  dir: string;
  dims: number;
  pooling: string;
  kind: "static" | "transformer";
  baseModel: string | null;
  data: TrainingData;
  summary: TrainSummary | null;
  /** Everything written to bugsift_training.json. */
  training: Record<string, unknown>;
}

/** What a trained model records about its training data (bugsift_training.json). */
export function dataInfo(data: TrainingData) {
  return {
    split: describeSplit(data.split.spec),
    cutoff: data.split.cutoff === null ? null : new Date(data.split.cutoff).toISOString(),
    heldOutQueries: data.split.queries.length,
    textScope: data.textScope,
    reports: data.corpus.reports.length,
    textReports: data.textReports.length,
    duplicatePairs: data.duplicatePairs.length,
    negativePairs: data.negativePairs.length,
  };
}

export async function trainStaticToDir(prisma: PrismaClient, opts: StaticRunOptions): Promise<RunResult & { result: StaticRecipeResult }> {
  const say = opts.onLine ?? (() => {});
  const tokenizerDir = path.resolve(opts.tokenizerDir ?? DEFAULT_TOKENIZER_DIR);
  const tokenizerJsonPath = path.join(tokenizerDir, "tokenizer.json");
  if (!fs.existsSync(tokenizerJsonPath)) throw new Error(`tokenizer dir ${tokenizerDir} has no tokenizer.json`);
  const data = await loadTrainingData(prisma, { split: opts.split ?? DEFAULT_SPLIT, textScope: opts.textScope ?? "all", corpus: opts.sources ? { sources: opts.sources } : undefined });
  if (data.textReports.length < 2) {
    throw new Error(`only ${data.textReports.length} reports to train on (${data.corpus.reports.length} in the database): import reports first`);
  }
  const info = dataInfo(data);
  say(
    `data: ${info.textReports} reports (text scope ${info.textScope}), ${info.duplicatePairs} duplicate pairs, ${info.negativePairs} not-duplicate verdicts; ` +
      `split ${info.split}, ${info.heldOutQueries} held-out queries never trained on`,
  );
  const tokenizer = TextTokenizer.fromDir(tokenizerDir);
  const result = await trainStaticRecipe(data, tokenizer, opts.recipe, (p) => say(p.train ? formatProgress(p.train) : `${p.stage}: ${p.message}`));
  const training = {
    kind: "static",
    createdAt: new Date().toISOString(),
    recipe: result.recipe,
    data: info,
    counts: result.counts,
    ms: result.ms,
    epochLosses: result.summary?.epochLosses ?? [],
  };
  const dir = path.resolve(opts.out);
  saveStaticModel(result.model, dir, { tokenizerJsonPath, training });
  return { dir, dims: result.model.dim, pooling: "mean", kind: "static", baseModel: null, data, summary: result.summary, training, result };
}

export interface HeadRunOptions extends CommonRunOptions {
  /** Frozen base model dir. */
  baseDir: string;
  loss?: LossName;
  train?: Omit<HeadTrainOptions, "objective" | "onProgress">;
  /**
   * Keep the frozen embeddings in this evaluation vector cache (lib/offline/eval/embedding-cache.ts): the base
   * model is frozen, so a report's full text gets exactly the vector the evaluation stores for it, and on a large
   * corpus the frozen pass costs more than the training.
   */
  embeddingCacheDir?: string;
}

export async function trainHeadToDir(prisma: PrismaClient, opts: HeadRunOptions): Promise<RunResult> {
  const say = opts.onLine ?? (() => {});
  const baseDir = path.resolve(opts.baseDir);
  const info0 = loadModelDir(baseDir);
  if (info0.pooling === "max") {
    throw new Error(`base model ${baseDir} uses max pooling; a linear head can only be folded into mean/CLS pooling models`);
  }
  const data = await loadTrainingData(prisma, { split: opts.split ?? DEFAULT_SPLIT, textScope: opts.textScope ?? "all", corpus: opts.sources ? { sources: opts.sources } : undefined });
  const examples = buildExamples(data, { hardNegatives: verdictNegatives(data) });
  if (examples.length < 2) throw new Error(`only ${examples.length} training examples: import reports first`);
  const info = dataInfo(data);
  say(`data: ${examples.length} examples from ${info.textReports} reports, ${info.duplicatePairs} duplicate pairs; split ${info.split}, ${info.heldOutQueries} held-out queries`);

  const table = new TextTable(data.corpus.reports);
  const rowOf = new Map<string, number>();
  const texts: string[] = [];
  const row = (ref: { id: number; field: "full" | "title" | "body" }) => {
    const k = TextTable.key(ref);
    let r = rowOf.get(k);
    if (r === undefined) {
      r = texts.length;
      rowOf.set(k, r);
      texts.push(table.text(ref));
    }
    return r;
  };
  const rowExamples: RowExample[] = examples.map((e) => ({
    anchor: row(e.anchor),
    positive: row(e.positive),
    ...(e.negative ? { negative: row(e.negative) } : {}),
    groups: e.groups,
  }));
  const onnx = await OnnxEncoder.load(baseDir);
  const encoder = opts.embeddingCacheDir ? withEmbeddingCache(onnx, { cacheDir: opts.embeddingCacheDir, onnxPath: info0.onnxPath }) : onnx;
  let embeddings;
  const t0 = Date.now();
  try {
    let last = 0;
    embeddings = await precomputeEmbeddings(encoder, texts, (done, total) => {
      if (Date.now() - last > 5000 || done === total) {
        last = Date.now();
        say(`frozen embeddings: ${done}/${total} texts (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      }
    });
  } finally {
    await encoder.close();
  }
  const loss = opts.loss ?? "mnrl";
  const { head, summary } = await trainLinearHead(embeddings, rowExamples, {
    ...opts.train,
    objective: { loss },
    onProgress: (p) => say(formatProgress(p)),
  });
  const training = {
    kind: "head",
    createdAt: new Date().toISOString(),
    baseModel: baseDir,
    loss,
    train: opts.train ?? {},
    data: info,
    examples: examples.length,
    embedMs: Date.now() - t0 - summary.ms,
    trainMs: summary.ms,
    epochLosses: summary.epochLosses,
  };
  const dir = saveHeadModelDir(baseDir, opts.out, head, training);
  const kind = info0.config.model_type === "bugsift-static" ? "static" : "transformer";
  return { dir, dims: head.dim, pooling: info0.pooling, kind, baseModel: baseDir, data, summary, training };
}

/** ModelVersion.path: relative to the working directory (the repo root under npm run) when inside it. */
export function storedPath(dir: string): string {
  const rel = path.relative(process.cwd(), path.resolve(dir));
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : path.resolve(dir);
}

export interface RegisterOptions {
  name: string;
  dir: string;
  kind: "static" | "transformer";
  dims: number;
  pooling: string;
  baseModel?: string | null;
  /** Update the row when the name exists (metrics are cleared: they described the old weights). */
  replace?: boolean;
}

/** Create (or with `replace`, update) the ModelVersion row for a trained model dir. Never activates it. */
export async function registerModelVersion(prisma: PrismaClient, o: RegisterOptions): Promise<ModelVersion> {
  const data = {
    path: storedPath(o.dir),
    kind: o.kind,
    dims: o.dims,
    pooling: o.pooling,
    baseModel: o.baseModel ? storedPath(o.baseModel) : null,
    metrics: null,
  };
  const existing = await prisma.modelVersion.findUnique({ where: { name: o.name } });
  if (existing) {
    if (!o.replace) throw new Error(`a ModelVersion named "${o.name}" already exists (id ${existing.id}); pick another --name`);
    return prisma.modelVersion.update({ where: { id: existing.id }, data });
  }
  return prisma.modelVersion.create({ data: { name: o.name, active: false, ...data } });
}
