// Fuzzing every API route of the REAL running server (lib/offline/app-server.ts) with the generator of
// lib/offline/fuzz-api.ts: a few hundred requests per run (FUZZ_CASES, FUZZ_SEED to change; `npm run
// bench:fuzz` runs 10,000). Every answer must be 2xx/4xx with a JSON body (never 5xx, never HTML, never a
// stack trace), and the server must still be healthy afterwards.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, TestServerUnavailable, type TestServer } from "@/lib/offline/app-server";
import { runFuzz, statusHistogram } from "@/lib/offline/fuzz-api";
import { ACCESS } from "@/lib/http/access";

const SEED = Number(process.env.FUZZ_SEED ?? 1337);
const CASES = Number(process.env.FUZZ_CASES ?? 400);

let srv: TestServer | null = null;
after(async () => {
  await srv?.stop();
});

test("fuzz every API route: only 2xx/4xx JSON answers, no leaks, server healthy afterwards", { timeout: Math.max(300_000, CASES * 200) }, async (t) => {
  try {
    srv = await startTestServer({ seed: "demo" });
  } catch (e) {
    if (e instanceof TestServerUnavailable) return t.skip(e.message);
    throw e;
  }
  const run = await runFuzz(srv, { routes: ACCESS, cases: CASES, seed: SEED });
  console.log(`fuzz: ${CASES} cases (seed ${SEED}, model ${srv.modelKind}) in ${run.seconds.toFixed(1)} s; statuses ${JSON.stringify(statusHistogram(run))}`);

  // Still serving.
  const health = await srv.api("/api/health");
  const hb = await health.json();
  assert.equal(health.status, 200, JSON.stringify(hb));
  assert.equal(hb.ok, true);
  const search = await srv.api("/api/search?q=crash");
  assert.equal(search.status, 200);
  const serverErrors = srv.logs().split("\n").filter((l) => /unhandled error|Error:/.test(l)).slice(0, 20);
  assert.deepEqual(run.failures.slice(0, 30), [], `${run.failures.length} of ${CASES} fuzz cases failed; server log:\n${serverErrors.join("\n")}`);
  assert.equal(run.serverErrors, 0);
  assert.ok(run.byStatus.size >= 4, "the generator reaches many outcomes");
  assert.ok(run.byRoute.size >= 24, `every route is exercised (${[...run.byRoute.keys()].join(", ")})`);
});

test("routes and methods the API does not have: JSON 404 for unknown paths, 405 for wrong methods, never an HTML page", { timeout: 120_000 }, async (t) => {
  if (!srv) return t.skip("server not started (see the fuzz test)");
  const unknown: [string, string][] = [
    ["GET", "/api/nope"],
    ["POST", "/api/nope"],
    ["GET", "/api/reports/1/nope"],
    ["GET", "/api/admin/nope"],
    ["DELETE", "/api/admin/nope/deeper"],
    ["GET", "/api/nope/..%2f..%2fetc%2fpasswd"],
  ];
  const bad: string[] = [];
  for (const [method, p] of unknown) {
    const res = await srv.api(p, { method, redirect: "manual" });
    const text = await res.text();
    let code = "";
    try {
      code = JSON.parse(text).error.code;
    } catch {
      code = "(not JSON)";
    }
    if (res.status !== 404 || code !== "not_found" || !/application\/json/.test(res.headers.get("content-type") ?? "")) {
      bad.push(`${method} ${p} -> ${res.status} ${res.headers.get("content-type")} ${JSON.stringify(text.slice(0, 80))}`);
    }
  }
  // Methods a route does not implement: lib/http/methods.ts answers 405 with the JSON error and an Allow list,
  // but only to a caller the route admits; an anonymous caller of a triager route hears 401 first.
  const wrongMethod: [string, string, number][] = [
    ["PUT", "/api/search", 405],
    ["POST", "/api/search", 405],
    ["DELETE", "/api/facets", 405],
    ["GET", "/api/duplicates", 405],
    ["GET", "/api/triage", 401],
    ["PUT", "/api/reports/1", 405],
  ];
  for (const [method, p, status] of wrongMethod) {
    const res = await srv.api(p, { method, redirect: "manual" });
    const text = await res.text();
    if (res.status !== status || /<html|<!doctype|\bat\s+\S+\s+\(/i.test(text)) bad.push(`${method} ${p} -> ${res.status} ${JSON.stringify(text.slice(0, 80))}`);
  }
  assert.deepEqual(bad, []);
});
