// End-to-end latency and throughput of POST /api/duplicates (HTTP + JSON + encode + hybrid kNN +
// clustering + explanations) against a real `next start` server on loopback, driven by autocannon.
//
//   npm run bench:api
//   BENCH_REPORTS=20000 BENCH_DURATION=15 BENCH_CONNECTIONS=8 npm run bench:api
//
// Two corpora: the demo corpus (326 reports) and a synthetic one of BENCH_REPORTS reports (default
// 100000; 0 skips it) that is generated, imported and indexed first (progress on stderr). The model is
// MODEL_DIR/BENCH_MODEL_DIR when set, else what the integration tests use (lib/offline/app-server.ts).
// BENCH_DB_DIR=<dir> keeps (and on later runs reuses) the synthetic database. Prints p50/p99 latency, req/s, errors and server RSS per corpus. Loopback only, bounded duration.
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { mulberry32 as rng } from "@/lib/random";
import { seedTestDatabase, startTestServer, ensureNextBuild, DEMO_PLANTED, type TestServer } from "@/lib/offline/app-server";

// autocannon ships no type declarations; the subset used here.
interface CannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (opts: Record<string, unknown>) => Promise<CannonResult>;

const REPORTS = envInt("BENCH_REPORTS", 100_000);
const DURATION = envInt("BENCH_DURATION", 10);
const CONNECTIONS = envInt("BENCH_CONNECTIONS", 8);

function envInt(name: string, def: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer (got "${raw}")`);
  return n;
}

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

interface SynthReport {
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

async function writeSynthetic(file: string, n: number): Promise<void> {
  const r = rng(42);
  const masters: SynthReport[] = [];
  const out = createWriteStream(file);
  const t0 = Date.now();
  for (let i = 1; i <= n; i++) {
    if (!out.write(JSON.stringify(synth(i, r, masters)) + "\n")) await new Promise<void>((res) => out.once("drain", () => res()));
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

function serverRssMb(pgid: number): number {
  try {
    const out = execFileSync("ps", ["-o", "rss=", "-g", String(pgid)], { encoding: "utf8" });
    return out.split("\n").map((l) => Number(l.trim()) || 0).reduce((a, b) => a + b, 0) / 1024;
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
}

async function load(srv: TestServer, label: string, reports: number, bodies: Draft[]): Promise<Result> {
  // Warm-up: model load, index open, statement caches, document-frequency table.
  for (let i = 0; i < 5; i++) {
    const r = await srv.api("/api/duplicates", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...bodies[i % bodies.length], k: 10 }) });
    if (r.status !== 200) throw new Error(`warm-up request failed: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  }
  await new Promise((r) => setTimeout(r, 1000));
  let n = 0;
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
  const rssMb = serverRssMb(srv.pid);
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
  };
}

function print(r: Result): void {
  console.log(
    `${r.corpus.padEnd(10)} reports=${String(r.reports).padStart(6)}  p50=${r.p50.toFixed(1)} ms  p99=${r.p99.toFixed(1)} ms  ` +
      `mean=${r.mean.toFixed(1)} ms  ${r.rps.toFixed(1)} req/s  (${r.requests} requests, ${r.errors} errors, ` +
      `${CONNECTIONS} connections, ${DURATION}s)  server RSS ${r.rssMb.toFixed(0)} MB`,
  );
}

async function main(): Promise<void> {
  await ensureNextBuild();
  const modelEnv = process.env.BENCH_MODEL_DIR || process.env.MODEL_DIR;
  const results: Result[] = [];

  process.stderr.write("bench: demo corpus: seeding + starting server\n");
  const demo = await startTestServer({ seed: "demo", ...(modelEnv ? { modelDir: path.resolve(modelEnv) } : {}) });
  const modelDir = demo.modelDir;
  process.stderr.write(`bench: model ${modelDir} (${demo.modelKind})\n`);
  try {
    results.push(await load(demo, "demo", 326, drafts(false)));
    print(results.at(-1)!);
  } finally {
    await demo.stop();
  }

  if (REPORTS > 0) {
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
      const srv = await startTestServer({ seed: "none", dbUrl, modelDir, timeoutMs: 120_000 });
      try {
        results.push(await load(srv, "synthetic", REPORTS, drafts(true)));
        print(results.at(-1)!);
      } finally {
        await srv.stop();
      }
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log("\nsummary (POST /api/duplicates, k=10, end to end over HTTP on 127.0.0.1):");
  for (const r of results) print(r);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
