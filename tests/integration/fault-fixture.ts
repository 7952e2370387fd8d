// Shared setup for the fault/fuzz/security tests (not a test file itself): a tiny real ONNX encoder, a
// migrated temp SQLite database, a deterministic synthetic corpus, and child-process helpers.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureBertModelDir } from "@/lib/offline/onnx/bert";
import { migrate } from "@/lib/offline/migrate/runner";
import { mulberry32 } from "@/lib/random";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const TOKENIZER_DIR = path.join(ROOT, "assets/tokenizer");
const MODELS = path.join(os.tmpdir(), "bugsift-test-models");

/** The tiny BERT (hidden 32) the encoder tests use too (same build options, so one cached copy). */
export function tinyModelDir(): string {
  return ensureBertModelDir(path.join(MODELS, "tiny-mean"), { preset: "tiny", tokenizerDir: TOKENIZER_DIR, pooling: "mean", maxSeqLength: 128 });
}

/** Same architecture with other dimensions (16), for dims-mismatch checks. */
export function tiny16ModelDir(): string {
  return ensureBertModelDir(path.join(MODELS, "tiny16-mean"), {
    preset: "tiny",
    config: { hidden: 16, heads: 2, ffn: 32 },
    tokenizerDir: TOKENIZER_DIR,
    pooling: "mean",
    maxSeqLength: 128,
  });
}

export interface TempDb {
  dir: string;
  file: string;
  url: string;
  cleanup(): void;
}

export async function tempDb(prefix: string): Promise<TempDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bugsift-${prefix}-`));
  const file = path.join(dir, "bugsift.db");
  const url = `file:${file}`;
  await migrate(url);
  return { dir, file, url, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Seeded PRNG (mulberry32), the app's own, so fixtures are reproducible. */
export const rng = mulberry32;

const WORDS =
  "crash hang timeout upload download sync login token cache disk memory leak thread deadlock socket proxy retry " +
  "null pointer exception overflow render layout font export import schema migration index query slow startup " +
  "shutdown permission denied certificate expired locale unicode emoji battery notification scroll resize";
const W = WORDS.split(" ");

export interface SynthReport {
  source: string;
  externalId: string;
  title: string;
  description: string;
  product: string;
  component: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  duplicateOf?: string[];
}

/** n deterministic reports; every 5th (from the 10th on) is marked a duplicate of an earlier one. */
export function synthReports(n: number, seed = 1, source = "synth"): SynthReport[] {
  const r = rng(seed);
  const pick = () => W[Math.floor(r() * W.length)]!;
  const out: SynthReport[] = [];
  for (let i = 1; i <= n; i++) {
    const words = Array.from({ length: 6 + Math.floor(r() * 6) }, pick);
    const t = new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString();
    const rep: SynthReport = {
      source,
      externalId: `S-${i}`,
      title: `${words.slice(0, 4).join(" ")} #${i}`,
      description: `Steps: ${words.join(" ")}.\nat org.example.Mod${i % 13}.run(Mod.java:${10 + (i % 90)})\nexpected no ${words[0]}`,
      product: `Prod${i % 3}`,
      component: `Comp${i % 4}`,
      status: i % 2 ? "NEW" : "RESOLVED",
      createdAt: t,
      updatedAt: t,
    };
    if (i >= 10 && i % 5 === 0) rep.duplicateOf = [`S-${1 + Math.floor(r() * (i - 1))}`];
    out.push(rep);
  }
  return out;
}

export const toJsonl = (rows: object[]) => rows.map((x) => JSON.stringify(x)).join("\n") + "\n";

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node --import tsx <script> ...args` in the repo root with extra env. */
export function spawnTsx(script: string, args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<ChildResult> } {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export async function runTsx(script: string, args: string[], env: Record<string, string>): Promise<ChildResult> {
  return spawnTsx(script, args, env).done;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every `everyMs` until it returns a truthy value or `timeoutMs` passes (then throws `what`). */
export async function waitFor<T>(cond: () => T | Promise<T>, what: string, timeoutMs = 30_000, everyMs = 10): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
