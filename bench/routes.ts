// Server cost of the light routes beside the duplicate check, on an existing database: the filter dropdowns
// (GET /api/facets, read by every search and check page), GET /api/health, and a duplicate check the schema
// rejects (POST /api/duplicates with no title: 400 before any work), which is the floor Next's routing, the
// route wrapper and the JSON error add to every API request. 8 connections each (autocannon); server CPU per
// request from /proc, as in bench/api.ts.
//
//   npx next build
//   BENCH_DB=/tmp/bench-100k/bench.db npx tsx bench/routes.ts      e.g. the BENCH_DB_DIR database of bench/api.ts
//
// MODEL_DIR/BENCH_MODEL_DIR picks the model (default: the one the integration tests use); the routes measured
// here do not encode, the model only has to load.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ensureNextBuild, startTestServer, testModelDir } from "@/lib/offline/app-server";
import { serverCpuMs } from "@/bench/api";
import { envInt } from "@/bench/env";

const autocannon = createRequire(import.meta.url)("autocannon") as (opts: Record<string, unknown>) => Promise<{
  latency: { p50: number; p99: number };
  requests: { average: number; total: number };
  statusCodeStats: Record<string, { count: number }>;
}>;

const file = process.env.BENCH_DB;
if (!file || !existsSync(file)) {
  console.error("usage: BENCH_DB=<sqlite file with imported, indexed reports> npx tsx bench/routes.ts");
  process.exit(2);
}
const DURATION = envInt("BENCH_DURATION", 8);
const CONNECTIONS = envInt("BENCH_CONNECTIONS", 8);

const ROUTES = [
  { name: "GET /api/facets", path: "/api/facets", method: "GET" },
  { name: "GET /api/health", path: "/api/health", method: "GET" },
  { name: "POST /api/duplicates (400)", path: "/api/duplicates", method: "POST", body: JSON.stringify({ k: 10 }) },
] as const;

await ensureNextBuild();
const modelEnv = process.env.BENCH_MODEL_DIR || process.env.MODEL_DIR;
const modelDir = modelEnv ? path.resolve(modelEnv) : (await testModelDir()).dir;
const srv = await startTestServer({ seed: "none", dbUrl: `file:${path.resolve(file)}`, modelDir, timeoutMs: 120_000 });
try {
  for (const r of ROUTES) {
    const init = { method: r.method, headers: { "content-type": "application/json" }, ...("body" in r ? { body: r.body } : {}) };
    for (let i = 0; i < 20; i++) await (await srv.api(r.path, init)).arrayBuffer(); // statement caches, first queries
    const cpuBefore = serverCpuMs(srv.pid);
    const res = await autocannon({ url: `${srv.baseUrl}${r.path}`, connections: CONNECTIONS, duration: DURATION, requests: [init] });
    const cpuMs = serverCpuMs(srv.pid) - cpuBefore;
    const statuses = Object.entries(res.statusCodeStats).map(([code, s]) => `${code} x${s.count}`).join(", ");
    console.log(
      `${r.name.padEnd(27)} p50=${res.latency.p50} ms  p99=${res.latency.p99} ms  ${res.requests.average.toFixed(1)} req/s  ` +
        `server CPU ${(cpuMs / Math.max(1, res.requests.total)).toFixed(2)} ms/request  (${statuses}; ${CONNECTIONS} connections, ${DURATION}s)`,
    );
  }
} finally {
  await srv.stop();
}
