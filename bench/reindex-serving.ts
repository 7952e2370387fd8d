// Serving latency during a re-index: starts a re-index through the admin API of a RUNNING server and
// polls GET /api/health and POST /api/duplicates until the job ends, then prints p50/p99/max latency
// and the error count per route (and the same figures for an idle baseline before the job).
//
//   BASE_URL=http://127.0.0.1:3000 ADMIN_TOKEN=... npx tsx bench/reindex-serving.ts \
//     [--interval-ms 200] [--timeout-ms 30000] [--baseline-s 5] [--batch-size N]
//
// The server decides the model (its MODEL_DIR / active ModelVersion); start it with RATE_LIMIT_PER_MIN=0 so
// the duplicates polling is not rate limited. Every poll is one request in flight per route: a slow
// answer delays the next poll of that route (so a stall shows as one long sample, not many errors).
import { performance } from "node:perf_hooks";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const base = (process.env.BASE_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const token = process.env.ADMIN_TOKEN;
if (!token) throw new Error("ADMIN_TOKEN is required (the server's admin token)");
const intervalMs = arg("interval-ms", 200);
const timeoutMs = arg("timeout-ms", 30_000);
const baselineS = arg("baseline-s", 5);
const batchSizeArg = process.argv.includes("--batch-size") ? arg("batch-size", 64) : undefined;

const DRAFT = {
  title: "NullPointerException in NameNode when a DataNode heartbeat arrives during startup",
  description:
    "After restarting the cluster the NameNode logs java.lang.NullPointerException at " +
    "org.apache.hadoop.hdfs.server.blockmanagement.DatanodeManager.handleHeartbeat and the DataNode is marked dead.",
  k: 10,
};

interface Sample {
  ms: number;
  ok: boolean;
}

async function timed(fn: () => Promise<Response>): Promise<Sample> {
  const t0 = performance.now();
  try {
    const r = await fn();
    await r.arrayBuffer();
    return { ms: performance.now() - t0, ok: r.ok };
  } catch {
    return { ms: performance.now() - t0, ok: false };
  }
}

const health = () => timed(() => fetch(`${base}/api/health`, { signal: AbortSignal.timeout(timeoutMs) }));
const duplicates = () =>
  timed(() =>
    fetch(`${base}/api/duplicates`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(DRAFT),
      signal: AbortSignal.timeout(timeoutMs),
    }),
  );

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every intervalMs (one in flight) until `stop()` is true. */
async function poll(probe: () => Promise<Sample>, stop: () => boolean, out: Sample[]): Promise<void> {
  while (!stop()) {
    const t0 = performance.now();
    out.push(await probe());
    await sleep(Math.max(0, intervalMs - (performance.now() - t0)));
  }
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function line(label: string, s: Sample[]): string {
  const ms = s.map((x) => x.ms).sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(0).padStart(6);
  const errors = s.filter((x) => !x.ok).length;
  return `${label.padEnd(24)} n=${String(s.length).padStart(4)}  p50 ${f(pct(ms, 50))} ms  p99 ${f(pct(ms, 99))} ms  max ${f(ms[ms.length - 1] ?? NaN)} ms  errors ${errors}`;
}

async function phase(seconds: number | (() => boolean)): Promise<{ h: Sample[]; d: Sample[] }> {
  const h: Sample[] = [];
  const d: Sample[] = [];
  const end = typeof seconds === "number" ? performance.now() + seconds * 1000 : 0;
  const stop = typeof seconds === "number" ? () => performance.now() >= end : seconds;
  await Promise.all([poll(health, stop, h), poll(duplicates, stop, d)]);
  return { h, d };
}

// Warm up (model load, first queries) so the baseline is steady-state.
for (let i = 0; i < 3; i++) await Promise.all([health(), duplicates()]);
const idle = await phase(baselineS);

const t0 = performance.now();
const start = await fetch(`${base}/api/admin/reindex`, {
  method: "POST",
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  body: JSON.stringify(batchSizeArg ? { batchSize: batchSizeArg } : {}),
  signal: AbortSignal.timeout(120_000),
});
const startMs = performance.now() - t0;
const started = (await start.json()) as { job?: { id: string } };
if (start.status !== 202 || !started.job) throw new Error(`POST /api/admin/reindex answered ${start.status}: ${JSON.stringify(started)}`);
const jobId = started.job.id;

let done = false;
let final: { state?: string; counts?: unknown } = {};
const watcher = (async () => {
  while (!done) {
    await sleep(500);
    try {
      const r = await fetch(`${base}/api/admin/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
      const j = (await r.json()) as { job?: { state: string; counts?: unknown } };
      if (j.job && (j.job.state === "succeeded" || j.job.state === "failed")) {
        final = j.job;
        done = true;
      }
    } catch {
      // a timed-out status poll is itself a symptom; the health/duplicates samples record it
    }
  }
})();
const during = await phase(() => done);
await watcher;
const jobS = (performance.now() - t0) / 1000;

console.log(`reindex-serving: ${base}, poll every ${intervalMs} ms, request timeout ${timeoutMs} ms`);
console.log(`POST /api/admin/reindex answered in ${startMs.toFixed(0)} ms; job ${jobId} ${final.state} after ${jobS.toFixed(1)} s`);
console.log(`counts ${JSON.stringify(final.counts)}`);
console.log(line("idle   GET health", idle.h));
console.log(line("idle   POST duplicates", idle.d));
console.log(line("reindex GET health", during.h));
console.log(line("reindex POST duplicates", during.d));
