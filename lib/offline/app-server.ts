// A real bugsift server for integration and browser tests: a temp SQLite database (migrated, demo
// corpus imported and indexed by tests/helpers/seed.ts in a child process), then `next start` on a
// free loopback port. See docs/api.md ("Test server helper").
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { config } from "@/lib/config";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const DEMO_CORPUS = path.join(ROOT, "data/demo/reports.jsonl");
export const DEMO_PLANTED = path.join(ROOT, "data/demo/planted.json");
const MODEL_CACHE = path.join(ROOT, "tmp/test-models");

/** Thrown when the environment lacks something the server needs; tests should t.skip(err.message). */
export class TestServerUnavailable extends Error {}

export interface PlantedDraft {
  title: string;
  description: string;
  product?: string;
  component?: string;
  /** externalId of the master the draft duplicates. */
  duplicateOf: string;
  /** externalIds of the whole duplicate group (master included). */
  group: string[];
}

export interface TestServer {
  baseUrl: string;
  port: number;
  adminToken: string;
  dbUrl: string;
  modelDir: string;
  /** "trained" (the default static model) or "random" (tiny random-weight BERT: no semantic quality). */
  modelKind: "trained" | "random";
  dir: string;
  planted: PlantedDraft[];
  /** Server stdout+stderr so far (for failure messages). */
  logs(): string;
  /** Process group id of the server (for RSS measurements). */
  pid: number;
  api(pathname: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** "demo": fresh temp DB with the demo corpus; "none": fresh empty DB (or `dbUrl` as is). */
  seed?: "demo" | "none";
  /** Use this already seeded database instead of a fresh one (with seed "none"). */
  dbUrl?: string;
  /** Use this model dir instead of picking one. */
  modelDir?: string;
  env?: Record<string, string>;
  adminToken?: string;
  /** Max ms to wait for the server to answer (default 60 s). */
  timeoutMs?: number;
  /** Extra node flags for the server process (e.g. --cpu-prof, which NODE_OPTIONS does not accept). */
  nodeArgs?: string[];
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (proc.pid) process.kill(-proc.pid, signal);
  } catch {
    proc.kill(signal);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

function run(args: string[], env: NodeJS.ProcessEnv, what: string, showProgress = false): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", showProgress ? "inherit" : "pipe"],
  });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal}):\n${(r.stderr || r.stdout).slice(-4000)}`);
  return r.stdout;
}

/** Simple cross-process lock (mkdir is atomic) so concurrent test files do not build twice. */
async function withLock<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  mkdirSync(MODEL_CACHE, { recursive: true });
  const lock = path.join(MODEL_CACHE, `.${name}.lock`);
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 15 minutes belongs to a dead process.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** `next build` only when there is no build yet (npm test builds once before the test run). */
export async function ensureNextBuild(): Promise<void> {
  if (existsSync(path.join(ROOT, ".next/BUILD_ID"))) return;
  await withLock("next-build", () => {
    if (existsSync(path.join(ROOT, ".next/BUILD_ID"))) return;
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`next build failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
  });
}

/**
 * A model dir for tests: TEST_MODEL_DIR, else the default static model (scripts/build-default-model.ts,
 * trained on the demo corpus in `seedDbUrl`, cached in tmp/test-models/default), else a tiny
 * random-weight BERT (scripts/build-bert-onnx.ts --preset tiny; mechanics only, no semantic quality).
 */
export async function testModelDir(seedDbUrl?: string): Promise<{ dir: string; kind: "trained" | "random" }> {
  const chosen = config().testModelDir;
  if (chosen) return { dir: chosen, kind: "trained" };
  const has = (d: string) => existsSync(path.join(d, "model.onnx")) || existsSync(path.join(d, "onnx/model.onnx"));
  // Built in place (build-default-model registers its --out path as a ModelVersion, so no temp dir +
  // rename); a marker written after success tells a finished build from an interrupted one.
  const trained = path.join(MODEL_CACHE, "default");
  const done = path.join(trained, ".bugsift-test-complete");
  if (existsSync(done)) return { dir: trained, kind: "trained" };
  if (existsSync(path.join(ROOT, "scripts/build-default-model.ts")) && seedDbUrl) {
    return withLock("default-model", () => {
      if (!existsSync(done)) {
        rmSync(trained, { recursive: true, force: true });
        run(["scripts/build-default-model.ts", "--out", trained], { ...process.env, DATABASE_URL: seedDbUrl }, "build-default-model");
        writeFileSync(done, new Date().toISOString() + "\n");
      }
      return { dir: trained, kind: "trained" as const };
    });
  }
  const tiny = path.join(MODEL_CACHE, "tiny");
  if (!has(tiny)) {
    if (!existsSync(path.join(ROOT, "assets/tokenizer/tokenizer.json"))) {
      throw new TestServerUnavailable("no model: set TEST_MODEL_DIR, add scripts/build-default-model.ts, or provide a tokenizer for the tiny BERT");
    }
    await withLock("tiny-model", () => {
      if (has(tiny)) return;
      const tok = path.join(ROOT, "assets/tokenizer");
      const tmp = `${tiny}.build-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      run(["scripts/build-bert-onnx.ts", "--preset", "tiny", "--out", tmp, "--tokenizer", tok], process.env, "build-bert-onnx");
      renameSync(tmp, tiny);
    });
  }
  return { dir: tiny, kind: "random" };
}

export interface SeedSummary {
  imported: number;
  indexed: number;
  importMs: number;
  indexMs: number;
}

/** Migrate + import `corpus` + index, in a child process. */
export function seedTestDatabase(
  dbUrl: string,
  opts: { modelDir: string; corpus?: string | null; index?: boolean; env?: Record<string, string>; progress?: boolean; embeddingCache?: string },
): SeedSummary {
  const args = ["tests/helpers/seed.ts"];
  if (opts.progress) args.push("--progress");
  if (opts.embeddingCache) args.push("--embedding-cache", opts.embeddingCache);
  if (opts.corpus !== null) args.push("--corpus", opts.corpus ?? DEMO_CORPUS);
  if (opts.index === false) args.push("--no-index");
  const out = run(args, { ...process.env, ...opts.env, DATABASE_URL: dbUrl, MODEL_DIR: opts.modelDir }, "seeding the test database", opts.progress);
  return JSON.parse(out.trim().split("\n").pop()!) as SeedSummary;
}

export async function startTestServer(opts: StartOptions = {}): Promise<TestServer> {
  const seed = opts.seed ?? "demo";
  if (seed === "demo" && !existsSync(DEMO_CORPUS)) throw new TestServerUnavailable(`demo corpus ${DEMO_CORPUS} is missing`);
  await ensureNextBuild();
  const dir = mkdtempSync(path.join(os.tmpdir(), "bugsift-it-"));
  const dbUrl = opts.dbUrl ?? `file:${path.join(dir, "bugsift.db")}`;
  let child: ChildProcess | null = null;
  try {
    let model: { dir: string; kind: "trained" | "random" };
    if (opts.dbUrl) {
      model = opts.modelDir ? { dir: opts.modelDir, kind: "trained" } : await testModelDir();
    } else {
      // Import first (the default model trains on the corpus), then pick the model, then index.
      if (seed === "demo") seedTestDatabase(dbUrl, { modelDir: "/nonexistent", index: false });
      model = opts.modelDir ? { dir: opts.modelDir, kind: "trained" } : await testModelDir(seed === "demo" ? dbUrl : undefined);
      seedTestDatabase(dbUrl, { modelDir: model.dir, corpus: null, index: seed === "demo" });
    }

    const port = await freePort();
    const adminToken = opts.adminToken ?? `test-admin-${Math.random().toString(36).slice(2)}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: dbUrl,
      MODEL_DIR: model.dir,
      ADMIN_TOKEN: adminToken,
      ADMIN_TOKEN_FILE: path.join(dir, "admin-token"),
      RATE_LIMIT_PER_MIN: "0",
      QDRANT_URL: "",
      ...opts.env,
    };
    let logs = "";
    const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group, so stop() also ends any worker next start forks.
      detached: true,
    });
    child = proc;
    proc.stdout!.on("data", (d) => (logs += d));
    proc.stderr!.on("data", (d) => (logs += d));
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`next start exited with ${proc.exitCode}:\n${logs.slice(-3000)}`);
      try {
        const r = await fetch(`${baseUrl}/api/health`);
        await r.arrayBuffer();
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`server did not answer within ${opts.timeoutMs ?? 60_000} ms:\n${logs.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const planted = existsSync(DEMO_PLANTED) ? (JSON.parse(readFileSync(DEMO_PLANTED, "utf8")) as PlantedDraft[]) : [];
    return {
      baseUrl,
      port,
      adminToken,
      dbUrl,
      modelDir: model.dir,
      modelKind: model.kind,
      dir,
      planted,
      logs: () => logs,
      pid: proc.pid!,
      api: (pathname, init) => fetch(new URL(pathname, baseUrl), init),
      stop: async () => {
        if (proc.exitCode === null) {
          const exited = new Promise((r) => proc.once("exit", r));
          killGroup(proc, "SIGTERM");
          const timer = setTimeout(() => killGroup(proc, "SIGKILL"), 5000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (child && child.exitCode === null) killGroup(child, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
