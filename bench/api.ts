// End-to-end latency and throughput of POST /api/duplicates (HTTP + JSON + encode + hybrid kNN +
// clustering + explanations) against a real `next start` server on loopback, driven by autocannon, next to the
// same duplicate check called in-process (findDuplicates, one at a time) on the same database, so the cost of
// the server path shows as a ratio.
//
//   npm run bench:api
//   BENCH_REPORTS=20000 BENCH_DURATION=15 BENCH_CONNECTIONS=8 npm run bench:api
//   BENCH_CORPORA=synthetic BENCH_REPORTS=100000 BENCH_DB_DIR=/tmp/bench-100k npm run bench:api
//   BENCH_PROFILE_DIR=/tmp/prof ...   (the server runs under node --cpu-prof; read with bench/profile-summary.ts)
//
// Corpora (BENCH_CORPORA, comma-separated, default "demo,synthetic"): the demo corpus (326 reports); a
// synthetic one of BENCH_REPORTS reports (default 100000) that is generated, imported and indexed first
// (progress on stderr); "apache-jira": a database already holding the real Apache Jira corpus, given by
// BENCH_APACHE_DB (a file: URL or path; see docs/performance.md for how to build it). The model is
// MODEL_DIR/BENCH_MODEL_DIR when set, else what the integration tests use (lib/offline/app-server.ts).
// BENCH_DB_DIR=<dir> keeps (and on later runs reuses) the synthetic database. Prints p50/p99 latency, req/s,
// errors, server RSS and CPU per request (by thread, beside the load generator's own) per corpus, the same
// load on a path no route serves (the floor: what Next.js and HTTP cost a request), and the in-process p50/p99
// (BENCH_INPROCESS=0 skips it). Loopback only,
// bounded duration. The server runs checks on its check workers (CHECK_WORKERS, default one per core);
// CHECK_WORKERS=0 keeps them on the main thread, for comparison. BENCH_WARMUP (seconds, default 5) of
// one-at-a-time requests precede the measured run, long enough for the workers to start.
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { mulberry32 as rng } from "@/lib/random";
import Database from "better-sqlite3";
import { seedTestDatabase, startTestServer, ensureNextBuild, testModelDir, DEMO_PLANTED, ROOT, type TestServer } from "@/lib/offline/app-server";
import { envInt } from "@/bench/env";

// autocannon ships no type declarations; the subset used here.
interface CannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (opts: Record<string, unknown>) => Promise<CannonResult>;

const REPORTS = envInt("BENCH_REPORTS", 100_000, 0);
const DURATION = envInt("BENCH_DURATION", 10, 0);
const CONNECTIONS = envInt("BENCH_CONNECTIONS", 8, 0);
/** Seconds of one-at-a-time warm-up requests before the measured run (at least 5 requests). */
const WARMUP = envInt("BENCH_WARMUP", 5, 0);
const CORPORA = (process.env.BENCH_CORPORA || "demo,synthetic").split(",").map((c) => c.trim()).filter(Boolean);
for (const c of CORPORA) if (!["demo", "synthetic", "apache-jira"].includes(c)) throw new Error(`BENCH_CORPORA: unknown corpus "${c}" (demo, synthetic, apache-jira)`);
const IN_PROCESS = process.env.BENCH_INPROCESS !== "0";
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ? path.resolve(process.env.BENCH_PROFILE_DIR) : null;
/** Server node flags: --cpu-prof when profiling (the profile is written when the server exits). */
const serverArgs = (): string[] => (PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : []);


// --- synthetic corpus ---------------------------------------------------------------------------------


const PRODUCTS: Record<string, string[]> = {
  "Atlas Desktop": ["Sync", "UI", "Networking", "Auth", "Installer", "Notifications"],
  "Atlas Mobile": ["Camera Upload", "Offline", "Push", "Login", "Settings"],
  "Atlas Server": ["API", "Storage", "Search", "Admin", "Database", "Federation"],
  "Atlas Web": ["Editor", "Sharing", "Preview", "Accessibility", "Billing"],
};
const SUBJECTS = ["upload", "download", "login", "sync", "preview", "thumbnail", "share link", "search index", "quota", "notification", "folder", "export", "settings page", "file list", "proxy", "certificate", "session", "calendar", "contacts", "trash"];
const FAILURES = ["fails", "hangs", "crashes", "is slow", "times out", "shows the wrong count", "loops forever", "loses changes", "returns 500", "ignores the setting", "duplicates entries", "freezes the window"];
const CONDITIONS = ["after an update", "on a slow network", "with large files", "when the disk is full", "with non-ASCII names", "behind a proxy", "after sleep", "on first start", "with two accounts", "in dark mode", "when offline", "with many folders"];
const PLATFORMS = ["Windows 11", "macOS 14", "Ubuntu 22.04", "Android 14", "iOS 17", "Firefox 125", "Chrome 124"];
const FILLER = "the app it this again every time since yesterday users report customers see logs show nothing useful restart helps only briefly support ticket attached screenshot steps reproduce expected actual".split(" ");
const EXCEPTIONS = ["java.io.IOException", "java.lang.NullPointerException", "java.util.concurrent.TimeoutException", "org.atlas.sync.ConflictException"];
const CLASSES = ["org.atlas.sync.Uploader.push", "org.atlas.net.HttpClient.execute", "org.atlas.db.Pool.acquire", "org.atlas.ui.FileList.render", "org.atlas.auth.Session.refresh", "org.atlas.search.Indexer.add"];

function pick<T>(r: () => number, xs: T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

export interface SynthReport {
  source: string;
  externalId: string;
  title: string;
  description: string;
  product: string;
  component: string;
  platform: string;
  status: string;
  createdAt: string;
  duplicateOf?: string[];
}

function synth(i: number, r: () => number, masters: SynthReport[]): SynthReport {
  // ~8% duplicates: a paraphrase of an earlier report.
  if (masters.length > 10 && r() < 0.08) {
    const m = pick(r, masters);
    return {
      ...m,
      externalId: `SYN-${i}`,
      title: `${m.title.split(" ").slice(0, -2).join(" ")} ${pick(r, CONDITIONS)}`,
      description: `Same here: ${m.description.slice(0, 160)} ${pick(r, FILLER)} ${pick(r, FILLER)}.`,
      createdAt: new Date(Date.parse(m.createdAt) + Math.floor(r() * 90) * 86_400_000).toISOString(),
      duplicateOf: [m.externalId],
    };
  }
  const product = pick(r, Object.keys(PRODUCTS));
  const component = pick(r, PRODUCTS[product]!);
  const subject = pick(r, SUBJECTS);
  const title = `${subject[0]!.toUpperCase()}${subject.slice(1)} ${pick(r, FAILURES)} ${pick(r, CONDITIONS)}`;
  const words = Array.from({ length: 20 + Math.floor(r() * 30) }, () => pick(r, FILLER)).join(" ");
  let description = `When I use the ${subject} in ${component} it ${pick(r, FAILURES)} ${pick(r, CONDITIONS)}. ${words}.`;
  if (r() < 0.2) {
    description += `\n${pick(r, EXCEPTIONS)}: ${pick(r, FAILURES)}\n` + Array.from({ length: 3 + Math.floor(r() * 4) }, () => `\tat ${pick(r, CLASSES)}(${pick(r, CLASSES).split(".").at(-2)}.java:${Math.floor(r() * 900)})`).join("\n");
  }
  const rep: SynthReport = {
    source: "synthetic",
    externalId: `SYN-${i}`,
    title,
    description,
    product,
    component,
    platform: pick(r, PLATFORMS),
    status: pick(r, ["NEW", "ASSIGNED", "RESOLVED", "CLOSED"]),
    createdAt: new Date(Date.UTC(2019, 0, 1) + Math.floor(r() * 5 * 365) * 86_400_000).toISOString(),
  };
  if (masters.length < 5000) masters.push(rep);
  else if (r() < 0.05) masters[Math.floor(r() * masters.length)] = rep;
  return rep;
}

/** The synthetic corpus, report by report (the same sequence writeSynthetic writes). */
export function* syntheticReports(n: number): Generator<SynthReport> {
  const r = rng(42);
  const masters: SynthReport[] = [];
  for (let i = 1; i <= n; i++) yield synth(i, r, masters);
}

export async function writeSynthetic(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  const t0 = Date.now();
  let i = 0;
  for (const rep of syntheticReports(n)) {
    i++;
    if (!out.write(JSON.stringify(rep) + "\n")) await new Promise<void>((res) => out.once("drain", () => res()));
    if (i % 20_000 === 0 || i === n) process.stderr.write(`bench: generated ${i}/${n} synthetic reports\n`);
  }
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  process.stderr.write(`bench: synthetic corpus ${(statSync(file).size / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
}

// --- load ---------------------------------------------------------------------------------------------

interface Draft {
  title: string;
  description: string;
  product?: string;
  component?: string;
}

function drafts(synthetic: boolean): Draft[] {
  const out: Draft[] = [];
  if (!synthetic && existsSync(DEMO_PLANTED)) {
    for (const p of JSON.parse(readFileSync(DEMO_PLANTED, "utf8")) as Draft[]) out.push({ title: p.title, description: p.description, product: p.product, component: p.component });
  }
  const r = rng(7);
  const masters: SynthReport[] = [];
  while (out.length < 32) {
    const s = synth(out.length, r, masters);
    out.push({ title: s.title, description: s.description, product: s.product, component: s.component });
  }
  return out;
}

/** Drafts from a database's own reports (real text): 32 reports spread evenly over the id range. */
export function draftsFromDb(dbFile: string): Draft[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    const { lo, hi } = db.prepare("SELECT min(id) AS lo, max(id) AS hi FROM Report").get() as { lo: number; hi: number };
    const pick = db.prepare("SELECT title, description, product, component FROM Report WHERE id >= ? ORDER BY id LIMIT 1");
    return Array.from({ length: 32 }, (_, i) => {
      const row = pick.get(lo + Math.floor(((hi - lo) * (i + 0.5)) / 32)) as { title: string; description: string; product: string | null; component: string | null };
      return { title: row.title, description: row.description, ...(row.product ? { product: row.product } : {}), ...(row.component ? { component: row.component } : {}) };
    });
  } finally {
    db.close();
  }
}

function serverRssMb(pgid: number): number {
  try {
    const out = execFileSync("ps", ["-o", "rss=", "-g", String(pgid)], { encoding: "utf8" });
    return out.split("\n").map((l) => Number(l.trim()) || 0).reduce((a, b) => a + b, 0) / 1024;
  } catch {
    return NaN;
  }
}

/** The pids of the server's process group (Linux `ps`). */
function serverPids(pgid: number): string[] {
  return execFileSync("ps", ["-o", "pid=", "-g", String(pgid)], { encoding: "utf8" }).split("\n").map((l) => l.trim()).filter(Boolean);
}

let clockTickMs: number | undefined;
/** User + system CPU (ms) in a /proc stat file's text: after the parenthesised name, utime and stime are the 12th and 13th fields. */
function statCpuMs(stat: string): number {
  clockTickMs ??= 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  const f = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * clockTickMs;
}

/** CPU time (user + system, all threads) the server's processes have used so far (Linux /proc). */
export function serverCpuMs(pgid: number): number {
  try {
    let ms = 0;
    for (const pid of serverPids(pgid)) ms += statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
    return ms;
  } catch {
    return NaN;
  }
}

/**
 * CPU time (ms) of each thread of the server's processes so far, by "<tid> <name>" (Linux /proc). The main
 * thread's tid is its process id; the check workers are the threads near the top the server starts after
 * its main thread; Node's own threads (V8's platform workers: garbage collection helpers, concurrent
 * compilation) carry the name "node".
 */
function serverThreadCpuMs(pgid: number): Map<string, { main: boolean; ms: number }> {
  const out = new Map<string, { main: boolean; ms: number }>();
  try {
    for (const pid of serverPids(pgid)) {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")"));
        out.set(`${tid} ${name}`, { main: tid === pid, ms: statCpuMs(raw) });
      }
    }
  } catch {
    // a thread ended while being read: the split is left out
  }
  return out;
}

/** Per-request CPU of each thread between two readings, largest first (threads under 0.05 ms/request left out). */
function threadSplit(
  before: Map<string, { main: boolean; ms: number }>,
  after: Map<string, { main: boolean; ms: number }>,
  requests: number,
): ThreadCpu[] {
  return [...after]
    .map(([thread, a]) => ({ thread, main: a.main, msPerRequest: (a.ms - (before.get(thread)?.ms ?? 0)) / Math.max(1, requests) }))
    .filter((t) => t.msPerRequest >= 0.05)
    .sort((a, b) => b.msPerRequest - a.msPerRequest);
}

/**
 * The server's proportional set size (Linux): RSS counts a file page once per mapping, and every SQLite
 * connection (the main thread's and each check worker's) maps the database file on its own, so RSS counts the
 * pages they share several times; PSS counts each once.
 */
function serverPssMb(pgid: number): number {
  try {
    let kb = 0;
    for (const pid of serverPids(pgid)) kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

interface Result {
  corpus: string;
  reports: number;
  p50: number;
  p99: number;
  mean: number;
  rps: number;
  requests: number;
  errors: number;
  rssMb: number;
  pssMb: number;
  /** Server CPU time (every thread) per answered request: what a check costs, whatever the machine's load. */
  cpuMsPerRequest: number;
  /** The load generator's own CPU time per request (autocannon runs in this process, on the same cores). */
  clientCpuMsPerRequest: number;
  /** Server CPU per request by thread (main thread, check workers, Node's own threads). */
  threads: ThreadCpu[];
  /** The same load on a path no route serves (404): what the HTTP server and Next.js cost a request. */
  floor: { rps: number; cpuMsPerRequest: number };
  inProcess?: InProcessResult;
}

interface ThreadCpu {
  thread: string;
  main: boolean;
  msPerRequest: number;
}

interface InProcessResult {
  p50: number;
  p99: number;
  calls: number;
}

async function load(srv: TestServer, label: string, reports: number, bodies: Draft[]): Promise<Result> {
  // Warm-up: model load, index open, statement caches, document-frequency table, and the check workers'
  // start (CHECK_WORKERS: each loads the model and the ANN graph; until then checks run on the main thread).
  const warmUntil = performance.now() + WARMUP * 1000;
  for (let i = 0; i < 5 || performance.now() < warmUntil; i++) {
    const r = await srv.api("/api/duplicates", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...bodies[i % bodies.length], k: 10 }) });
    if (r.status !== 200) throw new Error(`warm-up request failed: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  }
  // Until every check worker is up (each loads the model, the ANN graph and the corpus term frequencies), checks
  // run on the main thread: wait for them, so that the run measures one configuration.
  for (const until = performance.now() + 300_000; ; ) {
    const h = (await (await srv.api("/api/health")).json()) as { checkWorkers?: { configured: number; ready: number } };
    if (!h.checkWorkers || h.checkWorkers.ready >= h.checkWorkers.configured) break;
    if (performance.now() > until) throw new Error(`check workers not up after 300 s: ${JSON.stringify(h.checkWorkers)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 1000));
  let n = 0;
  const cpuBefore = serverCpuMs(srv.pid);
  const threadsBefore = serverThreadCpuMs(srv.pid);
  const clientBefore = process.cpuUsage();
  const result = await autocannon({
    url: `${srv.baseUrl}/api/duplicates`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (req: Record<string, unknown>) => ({ ...req, body: JSON.stringify({ ...bodies[n++ % bodies.length], k: 10 }) }),
      },
    ],
  });
  const cpuMs = serverCpuMs(srv.pid) - cpuBefore;
  const client = process.cpuUsage(clientBefore);
  const threads = threadSplit(threadsBefore, serverThreadCpuMs(srv.pid), result.requests.total);
  const rssMb = serverRssMb(srv.pid);
  const pssMb = serverPssMb(srv.pid);
  // The floor, same connections, a third of the duration: routing, reading and answering a request with no work.
  const floorBefore = serverCpuMs(srv.pid);
  const floorRun = await autocannon({ url: `${srv.baseUrl}/api/no-such-route`, connections: CONNECTIONS, duration: Math.max(1, Math.round(DURATION / 3)) });
  const floor = { rps: floorRun.requests.average, cpuMsPerRequest: (serverCpuMs(srv.pid) - floorBefore) / Math.max(1, floorRun.requests.total) };
  return {
    corpus: label,
    reports,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    rps: result.requests.average,
    requests: result.requests.total,
    errors: result.errors + result.non2xx + result.timeouts,
    rssMb,
    pssMb,
    cpuMsPerRequest: cpuMs / Math.max(1, result.requests.total),
    clientCpuMsPerRequest: (client.user + client.system) / 1000 / Math.max(1, result.requests.total),
    threads,
    floor,
  };
}

/**
 * The same duplicate checks through findDuplicates in a child process (its own Core on the same database and
 * model, no HTTP), one at a time after a warm-up: what the server path adds on top is the difference.
 */
function inProcess(dbUrl: string, modelDir: string, bodies: Draft[]): InProcessResult {
  const r = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, "--in-process"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: dbUrl, MODEL_DIR: modelDir, QDRANT_URL: "", BENCH_BODIES: JSON.stringify(bodies) },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`in-process run failed (exit ${r.status ?? r.signal}):\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as InProcessResult;
}

async function inProcessChild(): Promise<void> {
  const { openCore } = await import("@/lib/runtime/cli");
  const { findDuplicates } = await import("@/lib/dedup/find");
  const bodies = JSON.parse(process.env.BENCH_BODIES ?? "[]") as Draft[];
  const core = openCore();
  try {
    await (await core.query()).index.warm?.(); // as the server's check workers do before their first check
    for (let i = 0; i < 5; i++) await findDuplicates(core, bodies[i % bodies.length]!, { k: 10 });
    const times: number[] = [];
    const until = performance.now() + Math.min(DURATION, 10) * 1000;
    for (let i = 0; performance.now() < until || times.length < 50; i++) {
      const t = performance.now();
      await findDuplicates(core, bodies[i % bodies.length]!, { k: 10 });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    console.log(JSON.stringify({ p50: q(0.5), p99: q(0.99), calls: times.length }));
  } finally {
    await core.close();
  }
}

function print(r: Result): void {
  console.log(
    `${r.corpus.padEnd(11)} reports=${String(r.reports).padStart(7)}  p50=${r.p50.toFixed(1)} ms  p99=${r.p99.toFixed(1)} ms  ` +
      `mean=${r.mean.toFixed(1)} ms  ${r.rps.toFixed(1)} req/s  (${r.requests} requests, ${r.errors} errors, ` +
      `${CONNECTIONS} connections, ${DURATION}s, CHECK_WORKERS=${process.env.CHECK_WORKERS || "default"})  server CPU ${r.cpuMsPerRequest.toFixed(1)} ms/request (client ${r.clientCpuMsPerRequest.toFixed(1)}), RSS ${r.rssMb.toFixed(0)} MB (PSS ${r.pssMb.toFixed(0)} MB)` +
      (r.inProcess ? `  | in-process p50=${r.inProcess.p50.toFixed(1)} ms p99=${r.inProcess.p99.toFixed(1)} ms (${r.inProcess.calls} calls, 1 at a time)` : ""),
  );
  const split = r.threads.map((t) => `${t.main ? "main" : t.thread} ${t.msPerRequest.toFixed(2)}`).join(", ");
  console.log(`${"".padEnd(11)} server CPU ms/request by thread: ${split || "n/a"}  | 404 floor: ${r.floor.cpuMsPerRequest.toFixed(2)} ms/request at ${r.floor.rps.toFixed(0)} req/s`);
}

/**
 * SIGTERM to the server alone, then wait for it to exit: V8 writes the --cpu-prof file on exit, which takes a while
 * for a long run on a busy machine (stop() would SIGKILL the group after 5 s).
 */
async function exitGracefully(pid: number): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (const until = Date.now() + 120_000; Date.now() < until; ) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts a server on `dbUrl`, loads it, stops it (writing its CPU profile when profiling), then the in-process run. */
async function runCorpus(label: string, reports: number, dbUrl: string, modelDir: string, bodies: Draft[]): Promise<Result> {
  const srv = await startTestServer({ seed: "none", dbUrl, modelDir, timeoutMs: 120_000, nodeArgs: serverArgs() });
  let result: Result;
  try {
    result = await load(srv, label, reports, bodies);
  } finally {
    if (PROFILE_DIR) await exitGracefully(srv.pid);
    await srv.stop();
  }
  if (IN_PROCESS) result.inProcess = inProcess(dbUrl, modelDir, bodies);
  print(result);
  return result;
}

async function main(): Promise<void> {
  await ensureNextBuild();
  const modelEnv = process.env.BENCH_MODEL_DIR || process.env.MODEL_DIR;
  const results: Result[] = [];
  let modelDir = modelEnv ? path.resolve(modelEnv) : "";

  if (CORPORA.includes("demo")) {
    process.stderr.write("bench: demo corpus: seeding + starting server\n");
    const demo = await startTestServer({ seed: "demo", ...(modelEnv ? { modelDir: path.resolve(modelEnv) } : {}), nodeArgs: serverArgs() });
    modelDir = demo.modelDir;
    process.stderr.write(`bench: model ${modelDir} (${demo.modelKind})\n`);
    try {
      results.push(await load(demo, "demo", 326, drafts(false)));
      // Before stop(): the demo database lives in the server's temp dir. The server is idle by now.
      if (IN_PROCESS) results.at(-1)!.inProcess = inProcess(demo.dbUrl, modelDir, drafts(false));
    } finally {
      if (PROFILE_DIR) await exitGracefully(demo.pid);
      await demo.stop();
    }
    print(results.at(-1)!);
  }
  if (!modelDir) modelDir = (await testModelDir()).dir;

  if (CORPORA.includes("synthetic") && REPORTS > 0) {
    // BENCH_DB_DIR keeps the synthetic database between runs (reused when it already holds the corpus).
    const keep = process.env.BENCH_DB_DIR ? path.resolve(process.env.BENCH_DB_DIR) : null;
    const dir = keep ?? mkdtempSync(path.join(os.tmpdir(), "bugsift-bench-"));
    mkdirSync(dir, { recursive: true });
    try {
      const file = path.join(dir, "synthetic.jsonl");
      const dbUrl = `file:${path.join(dir, "bench.db")}`;
      const marker = path.join(dir, `seeded-${REPORTS}`);
      if (!existsSync(marker)) {
        await writeSynthetic(file, REPORTS);
        process.stderr.write(`bench: importing + indexing ${REPORTS} reports\n`);
        const seeded = seedTestDatabase(dbUrl, { modelDir, corpus: file, progress: true });
        console.log(
          `synthetic import ${(seeded.importMs / 1000).toFixed(1)}s (${(REPORTS / (seeded.importMs / 1000)).toFixed(0)} reports/s), ` +
            `index ${(seeded.indexMs / 1000).toFixed(1)}s (${(seeded.indexed / (seeded.indexMs / 1000)).toFixed(0)} reports/s)`,
        );
        if (keep) writeFileSync(marker, new Date().toISOString());
      } else {
        process.stderr.write(`bench: reusing ${dbUrl}\n`);
      }
      results.push(await runCorpus("synthetic", REPORTS, dbUrl, modelDir, drafts(true)));
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  }

  if (CORPORA.includes("apache-jira")) {
    const raw = process.env.BENCH_APACHE_DB;
    if (!raw) throw new Error("BENCH_CORPORA=apache-jira needs BENCH_APACHE_DB (a database holding the imported, indexed Apache Jira corpus)");
    const file = path.resolve(raw.replace(/^file:/, ""));
    if (!existsSync(file)) throw new Error(`BENCH_APACHE_DB: ${file} does not exist`);
    const db = new Database(file, { readonly: true });
    const reports = (db.prepare("SELECT count(*) AS n FROM Report").get() as { n: number }).n;
    db.close();
    results.push(await runCorpus("apache-jira", reports, `file:${file}`, modelDir, draftsFromDb(file)));
  }

  console.log("\nsummary (POST /api/duplicates, k=10, end to end over HTTP on 127.0.0.1):");
  for (const r of results) print(r);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  (process.argv.includes("--in-process") ? inProcessChild() : main()).catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
}
