// Bounded load test on loopback: concurrent searches and duplicate checks against a real `next start`
// server while full re-indexes run back to back; prints per-endpoint errors, non-2xx, p50/p99 latency,
// req/s, and whether every re-index completed (and the index is consistent afterwards).
//
//   node --import tsx bench/load.ts [--duration 30] [--connections 12] [--url http://127.0.0.1:3000] [--no-reindex]
//
// Without --url a temp server is started with lib/offline/app-server.ts (demo corpus, test model, rate limit
// off); with --url the admin token comes from ADMIN_TOKEN. Exit code 1 when any request errored or was
// non-2xx, or a re-index did not succeed. Figures only: nothing here asserts on timing.
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { startTestServer, type TestServer } from "@/lib/offline/app-server";

interface Hist {
  p50: number;
  p99: number;
  average: number;
  max: number;
}
interface CannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  latency: Hist;
  requests: Hist & { total: number };
  totalCompletedRequests: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest) => CannonRequest;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  requests: CannonRequest[];
}) => Promise<CannonResult>;
// autocannon ships no types; the slice used here is declared above.
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const QUERIES = [
  "crash on startup",
  "notifications arrive late",
  "proxy PAC file ignored",
  "upload fails with timeout",
  "NullPointerException",
  "login token expired",
  "dark mode contrast",
  "sync conflict duplicate files",
  "memory leak after sleep",
  "export to pdf fonts missing",
];
const DRAFTS = [
  { title: "App crashes when I upload a large file", description: "Upload of a 2 GB video makes the desktop client quit.\nat Uploader.send(Uploader.java:88)" },
  { title: "Push notifications are delayed on Android", description: "Shares show up hours later on Xiaomi phones." },
  { title: "Proxy settings not respected", description: "The client ignores the system proxy configuration file." },
  { title: "Cannot log in after password change", description: "Login loops back to the sign-in page; token seems stale." },
  { title: "High CPU when idle", description: "Fan spins up; the sync process uses 100% CPU with nothing to do." },
];

function args() {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "30" },
      connections: { type: "string", default: "12" },
      url: { type: "string" },
      "no-reindex": { type: "boolean", default: false },
    },
  });
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  if (!(duration > 0) || !Number.isInteger(connections) || connections < 2) {
    throw new Error("--duration must be > 0 seconds and --connections an integer >= 2");
  }
  return { duration, connections, url: values.url, reindex: !values["no-reindex"] };
}

function rotating<T>(items: T[], make: (x: T) => CannonRequest): CannonRequest {
  let i = 0;
  return { setupRequest: (req) => ({ ...req, ...make(items[i++ % items.length]!) }) };
}

async function main(): Promise<number> {
  const { duration, connections, url, reindex } = args();
  let srv: TestServer | null = null;
  let baseUrl = url;
  let token = process.env.ADMIN_TOKEN ?? "";
  if (!baseUrl) {
    process.stderr.write("load: starting a test server (demo corpus)...\n");
    srv = await startTestServer({ seed: "demo", env: { RATE_LIMIT_PER_MIN: "0" } });
    baseUrl = srv.baseUrl;
    token = srv.adminToken;
    process.stderr.write(`load: server ${baseUrl}, model ${srv.modelKind} (${srv.modelDir})\n`);
  } else if (!token) {
    throw new Error("--url needs ADMIN_TOKEN in the environment (to start re-indexes)");
  }
  const auth = { authorization: `Bearer ${token}` };
  try {
    const statsBefore = await (await fetch(`${baseUrl}/api/admin/stats`, { headers: auth })).json();
    const reports = statsBefore.reports.total as number;

    // Re-indexes back to back for the whole run.
    const reindexes: { id: string; state: string; ms: number }[] = [];
    let stop = false;
    const reindexLoop = (async () => {
      while (!stop && reindex) {
        const t0 = Date.now();
        const res = await fetch(`${baseUrl}/api/admin/reindex`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" });
        const started = await res.json();
        if (res.status !== 202) {
          reindexes.push({ id: "-", state: `start failed: ${res.status} ${JSON.stringify(started).slice(0, 200)}`, ms: 0 });
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        for (;;) {
          await new Promise((r) => setTimeout(r, 250));
          const j = (await (await fetch(`${baseUrl}/api/admin/jobs/${started.jobId}`, { headers: auth })).json()).job;
          if (j.state === "succeeded" || j.state === "failed") {
            reindexes.push({ id: j.id, state: j.state === "failed" ? `failed: ${j.error}` : j.state, ms: Date.now() - t0 });
            break;
          }
        }
      }
    })();

    const half = Math.max(1, Math.floor(connections / 2));
    process.stderr.write(`load: ${duration} s, ${half} search + ${connections - half} duplicate-check connections, ${reports} reports\n`);
    const [search, dups] = await Promise.all([
      autocannon({
        url: baseUrl,
        connections: half,
        duration,
        timeout: 30,
        requests: [rotating(QUERIES, (q) => ({ method: "GET", path: `/api/search?q=${encodeURIComponent(q)}&limit=20` }))],
      }),
      autocannon({
        url: baseUrl,
        connections: connections - half,
        duration,
        timeout: 30,
        requests: [
          rotating(DRAFTS, (d) => ({ method: "POST", path: "/api/duplicates", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...d, k: 10 }) })),
        ],
      }),
    ]);
    stop = true;
    await reindexLoop; // the one in flight finishes

    const stats = await (await fetch(`${baseUrl}/api/admin/stats`, { headers: auth })).json();
    const health = await (await fetch(`${baseUrl}/api/health`)).json();

    const row = (name: string, r: CannonResult) =>
      `${name.padEnd(20)} ${String(r.requests.total).padStart(7)} ${(r.requests.total / r.duration).toFixed(1).padStart(8)} ` +
      `${String(r.latency.p50).padStart(7)} ${String(r.latency.p99).padStart(7)} ${String(r.latency.max).padStart(7)} ` +
      `${String(r.errors).padStart(6)} ${String(r.timeouts).padStart(8)} ${String(r.non2xx).padStart(6)}`;
    console.log(`\nload test: ${duration} s on loopback, ${connections} connections, ${reports} reports, ${srv ? `model ${srv.modelKind}` : baseUrl}`);
    console.log(`${"endpoint".padEnd(20)} ${"requests".padStart(7)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"max ms".padStart(7)} ${"errors".padStart(6)} ${"timeouts".padStart(8)} ${"non2xx".padStart(6)}`);
    console.log(row("GET /api/search", search));
    console.log(row("POST /api/duplicates", dups));
    const ok = reindexes.filter((r) => r.state === "succeeded");
    if (!reindex) console.log("re-index during the run: none (--no-reindex baseline)");
    else console.log(
      `re-index during the run: ${reindexes.length} finished, ${ok.length} succeeded` +
        (ok.length ? ` (${ok.map((r) => (r.ms / 1000).toFixed(1)).join(", ")} s)` : "") +
        (reindexes.length > ok.length ? `; problems: ${reindexes.filter((r) => r.state !== "succeeded").map((r) => r.state).join("; ")}` : ""),
    );
    console.log(
      `after: health ok=${health.ok}, reports ${stats.reports.total}, index points ${stats.index.count}, stale ${stats.reports.stale}, generation ${stats.index.generation}`,
    );
    const failed =
      search.errors + search.timeouts + search.non2xx + dups.errors + dups.timeouts + dups.non2xx > 0 ||
      (reindex && ok.length === 0) ||
      ok.length !== reindexes.length ||
      !health.ok ||
      stats.index.count !== stats.reports.total;
    console.log(failed ? "RESULT: FAIL" : `RESULT: ok (zero errors, zero non-2xx${reindex ? ", every re-index succeeded" : ""}, index consistent)`);
    return failed ? 1 : 0;
  } finally {
    await srv?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`load: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(2);
  },
);
