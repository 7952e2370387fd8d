// The real `next start` server on Postgres (TEST_POSTGRES_URL, e.g. from scripts/pg-test-server.sh):
// a fresh schema per run (?schema=, dropped afterwards), the demo corpus imported and indexed into an
// embedded sqlite-vec file (INDEX_SQLITE_PATH, as when DATABASE_URL is Postgres and QDRANT_URL unset).
// Checks the paths whose SQL or DateTime handling differs from SQLite: search, duplicates, triage,
// import job, reindex job.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { PgScratch } from "@/tests/helpers/pg-scratch";
import { seedTestDatabase, startTestServer, testModelDir, TestServerUnavailable, type TestServer } from "@/lib/offline/app-server";
import { bearer, call, waitJob, type Res } from "@/tests/helpers/api-client";
import type {
  DecisionsResponse,
  DuplicatesResponse,
  HealthResponse,
  JobStartedResponse,
  ListReportsResponse,
  SearchResponse,
  StatsResponse,
} from "@/lib/http/schemas";

const BASE_URL = process.env.TEST_POSTGRES_URL?.trim() ?? "";
const SKIP = "SKIP api on postgres: TEST_POSTGRES_URL not set";

let srv: TestServer | null = null;
let skipReason = "";
let scratch: PgScratch | null = null;
let tmp = "";

before(async () => {
  if (!BASE_URL) {
    console.log(SKIP);
    skipReason = SKIP;
    return;
  }
  scratch = new PgScratch(BASE_URL, "it");
  const dbUrl = scratch.schema().url;
  tmp = mkdtempSync(path.join(os.tmpdir(), "bugsift-pg-it-"));
  const env = { INDEX_SQLITE_PATH: path.join(tmp, "vectors.db"), QDRANT_URL: "" };
  try {
    // Import first (the default test model trains on a corpus), then pick the model, then index.
    seedTestDatabase(dbUrl, { modelDir: "/nonexistent", index: false, env });
    const model = await testModelDir(dbUrl);
    seedTestDatabase(dbUrl, { modelDir: model.dir, corpus: null, index: true, env });
    srv = await startTestServer({ seed: "none", dbUrl, modelDir: model.dir, env });
  } catch (e) {
    if (e instanceof TestServerUnavailable) skipReason = e.message;
    else throw e;
  }
});

after(async () => {
  await srv?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  await scratch?.dropAll();
});

function server(t: { skip: (m: string) => void }): TestServer | null {
  if (!srv) t.skip(skipReason || "no test server");
  return srv;
}

describe("API on postgres", () => {
  test("health: postgres database, sqlite-vec index holding the demo corpus", async (t) => {
    const s = server(t);
    if (!s) return;
    const { status, body } = await call<HealthResponse>(s, "/api/health");
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.db.provider, "postgres");
    assert.equal(body.index.backend, "sqlite-vec");
    assert.equal(body.index.count, 326);
    assert.ok(!path.isAbsolute(body.model.dir), `model dir is not absolute: ${body.model.dir}`);
  });

  test("search finds demo reports; date filters and browsing work", async (t) => {
    const s = server(t);
    if (!s) return;
    const r = await call<SearchResponse>(s, "/api/search?q=" + encodeURIComponent("notifications arrive late") + "&limit=5");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.results.length, 5);
    assert.ok(r.body.results.some((x) => /notification/i.test(x.report.title)), JSON.stringify(r.body.results.map((x) => x.report.title)));
    const list = await call<ListReportsResponse>(s, "/api/reports?limit=5&from=2024-01-01&to=2030-01-01");
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.ok(list.body.reports.length > 0);
    for (const rep of list.body.reports) assert.ok(rep.createdAt >= "2024-01-01", rep.createdAt);
    const facets = await call(s, "/api/facets");
    assert.equal(facets.status, 200, JSON.stringify(facets.body));
  });

  test("a duplicates check returns candidates with the planted master's cluster", async (t) => {
    const s = server(t);
    if (!s) return;
    const p = s.planted[0];
    if (!p) return t.skip("data/demo/planted.json has no planted drafts");
    const r = await call<DuplicatesResponse>(s, "/api/duplicates", {
      method: "POST",
      json: { title: p.title, description: p.description, product: p.product, component: p.component, k: 10 },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.candidates.length > 0, "candidates returned");
    // The shown rows are read with raw SQL (lib/dedup/find.ts): each summary, dates included, is the report's own.
    for (const c of r.body.candidates) {
      for (const shown of [c.report, ...(c.master ? [c.master] : [])]) {
        const own: Res<{ report: Record<string, unknown> }> = await call(s, `/api/reports/${shown.id}`);
        assert.equal(own.status, 200);
        for (const [key, value] of Object.entries(shown)) assert.deepEqual(value, own.body.report[key], `report ${shown.id} ${key}`);
      }
    }
    if (s.modelKind === "trained") {
      const ids = r.body.candidates.flatMap((c) => [c.report.externalId, c.master?.externalId]);
      assert.ok(p.group.some((g) => ids.includes(g)), `planted group ${p.group} among ${ids}`);
    }
  });

  test("a triage decision persists and links the pair", async (t) => {
    const s = server(t);
    if (!s) return;
    const list = await call<ListReportsResponse>(s, "/api/reports?limit=2");
    const [a, b] = list.body.reports;
    assert.ok(a && b);
    const r = await call(s, "/api/triage", { method: "POST", headers: bearer(s), json: { reportId: a.id, otherId: b.id, verdict: "duplicate", note: "same crash" } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const hist = await call<DecisionsResponse>(s, `/api/reports/${a.id}/decisions`);
    assert.equal(hist.status, 200, JSON.stringify(hist.body));
    const d = hist.body.decisions.find((x) => x.actor === "admin-token");
    assert.ok(d, JSON.stringify(hist.body));
    assert.equal(d.verdict, "duplicate");
    assert.ok(!Number.isNaN(Date.parse(d.createdAt)), `createdAt is a date: ${d.createdAt}`);
    const rep = await call(s, `/api/reports/${a.id}`);
    assert.equal(rep.status, 200, JSON.stringify(rep.body));
    assert.ok(JSON.stringify(rep.body).includes(`"id":${b.id}`), "the report's cluster/links name the other report");
  });

  test("an import job stores and indexes new reports", async (t) => {
    const s = server(t);
    if (!s) return;
    const lines = [
      { source: "pg-it", externalId: "PG-1", title: "Quuxinator panics when the cache is cold", description: "quuxinator panic on start.", product: "Harbor Mobile", createdAt: "2024-06-01T10:00:00Z" },
      { source: "pg-it", externalId: "PG-2", title: "Quuxinator panic on cold cache", description: "Same quuxinator panic.", product: "Harbor Mobile", createdAt: "2024-06-02T10:00:00Z", duplicateOf: ["PG-1"] },
    ];
    const r = await call<JobStartedResponse>(s, "/api/admin/import", {
      method: "POST",
      headers: bearer(s),
      json: { format: "jsonl", content: lines.map((l) => JSON.stringify(l)).join("\n") },
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const job = await waitJob(s, r.body.jobId);
    assert.equal(job.state, "succeeded", job.error ?? "");
    assert.equal(job.counts?.imported, 2);
    assert.equal(job.counts?.indexed, 2);
    const found = await call<SearchResponse>(s, "/api/search?q=quuxinator&limit=5");
    assert.deepEqual(found.body.results.slice(0, 2).map((x) => x.report.externalId).sort(), ["PG-1", "PG-2"]);
  });

  test("a reindex job succeeds and switches to a new generation", async (t) => {
    const s = server(t);
    if (!s) return;
    const before = await call<StatsResponse>(s, "/api/admin/stats", { headers: bearer(s) });
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const started = await call<JobStartedResponse>(s, "/api/admin/reindex", { method: "POST", headers: bearer(s), json: { batchSize: 32 } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const job = await waitJob(s, started.body.jobId);
    assert.equal(job.state, "succeeded", job.error ?? "");
    assert.equal(job.progress, 1);
    const afterStats = await call<StatsResponse>(s, "/api/admin/stats", { headers: bearer(s) });
    assert.equal(afterStats.body.index.count, before.body.index.count);
    assert.equal(afterStats.body.reports.stale, 0);
    assert.notEqual(afterStats.body.index.generation, before.body.index.generation);
  });

  test("create, update, delete a report and the remaining read/admin routes answer 2xx", async (t) => {
    const s = server(t);
    if (!s) return;
    const created = await call(s, "/api/reports", {
      method: "POST",
      headers: bearer(s),
      json: { title: "Frobnicator leaks file handles", description: "After 1000 frobs EMFILE.", product: "Harbor Mobile", createdAt: "2024-07-01T08:30:00Z" },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.report.id as number;
    assert.equal(created.body.report.createdAt, "2024-07-01T08:30:00.000Z");
    const patched = await call(s, `/api/reports/${id}`, { method: "PATCH", headers: bearer(s), json: { status: "CLOSED", title: "Frobnicator leaks file handles (EMFILE)" } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.report.status, "CLOSED");
    const filtered = await call<SearchResponse>(s, `/api/search?q=frobnicator&status=CLOSED&from=2024-06-30&to=2024-07-02`);
    assert.equal(filtered.status, 200, JSON.stringify(filtered.body));
    assert.deepEqual(filtered.body.results.map((x) => x.report.id), [id]);
    for (const p of [`/api/reports/${id}/similar?k=5`, `/api/reports/${id}/decisions`]) {
      const r: Res<unknown> = await call(s, p);
      assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.body)}`);
    }
    for (const p of ["/api/admin/models", "/api/admin/evaluation", "/api/admin/jobs?limit=5", "/api/admin/sweep?threshold=0.9&limit=5"]) {
      const r: Res<unknown> = await call(s, p, { headers: bearer(s) });
      assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.body)}`);
    }
    const cal = await call(s, "/api/admin/thresholds/calibrate", { method: "POST", headers: bearer(s) });
    assert.equal(cal.status, 200, JSON.stringify(cal.body));
    const del = await call(s, `/api/reports/${id}`, { method: "DELETE", headers: bearer(s) });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal((await call(s, `/api/reports/${id}`)).status, 404);
  });
});
