// Admin API against a real `next start` server: auth, reindex while serving, import, jobs, stats,
// thresholds, sweep, rate limiting.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bearer, call, waitJob, type Res } from "@/tests/helpers/api-client";
import { useTestServer } from "@/tests/helpers/suite";
import type {
  ApiErrorBody,
  CalibrateResponse,
  JobResponse,
  JobStartedResponse,
  JobsResponse,
  ModelsResponse,
  SearchResponse,
  StatsResponse,
  SweepResponse,
} from "@/lib/http/schemas";

// A tight public rate limit: the tests that are not about it send distinct x-forwarded-for values.
const server = useTestServer({ seed: "demo", env: { RATE_LIMIT_PER_MIN: "60", RATE_LIMIT_BURST: "5" } });

let ipCounter = 1;
const freshIp = () => `10.1.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`;

describe("admin API", () => {
  test("admin routes answer 401 without or with a wrong token", async (t) => {
    const s = server(t);
    if (!s) return;
    const routes: [string, string][] = [
      ["GET", "/api/admin/stats"],
      ["GET", "/api/admin/jobs"],
      ["GET", "/api/admin/jobs/some-id"],
      ["GET", "/api/admin/models"],
      ["GET", "/api/admin/evaluation"],
      ["GET", "/api/admin/sweep?threshold=0.9"],
      ["POST", "/api/admin/reindex"],
      ["POST", "/api/admin/import"],
      ["POST", "/api/admin/thresholds/calibrate"],
      ["POST", "/api/admin/models/1/activate"],
      ["DELETE", "/api/reports/1"],
    ];
    for (const [method, p] of routes) {
      for (const headers of <Record<string, string>[]>[{}, { authorization: "Bearer wrong-token" }, { authorization: `Bearer ${s.adminToken}x` }, { cookie: "bugsift_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }]) {
        const r: Res<ApiErrorBody> = await call<ApiErrorBody>(s, p, { method, headers });
        assert.equal(r.status, 401, `${method} ${p} with ${JSON.stringify(headers)} -> ${r.status}`);
        assert.equal(r.body.error.code, "unauthorized");
      }
    }
    const wrong = await call<ApiErrorBody>(s, "/api/admin/login", { method: "POST", json: { token: "nope" } });
    assert.equal(wrong.status, 401);
  });

  test("login sets an httpOnly session cookie that authorises admin routes", async (t) => {
    const s = server(t);
    if (!s) return;
    const r = await call(s, "/api/admin/login", { method: "POST", json: { token: s.adminToken } });
    assert.equal(r.status, 200);
    const setCookie = r.res.headers.get("set-cookie") ?? "";
    assert.match(setCookie, /^bugsift_session=[^;]+;/);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.ok(!setCookie.includes(s.adminToken), "the cookie does not contain the token");
    const cookie = setCookie.split(";")[0]!;
    const stats = await call<StatsResponse>(s, "/api/admin/stats", { headers: { cookie } });
    assert.equal(stats.status, 200);
    const tampered = cookie.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    assert.equal((await call(s, "/api/admin/stats", { headers: { cookie: tampered } })).status, 401);
    // Cross-origin state-changing request with the cookie is refused.
    const xo = await call(s, "/api/admin/reindex", { method: "POST", headers: { cookie, origin: "http://evil.example" } });
    assert.equal(xo.status, 403);
  });

  test("stats describe corpus, clusters, index and thresholds", async (t) => {
    const s = server(t);
    if (!s) return;
    const { status, body } = await call<StatsResponse>(s, "/api/admin/stats", { headers: bearer(s) });
    assert.equal(status, 200);
    assert.equal(body.reports.total, 326);
    assert.equal(body.reports.stale, 0);
    assert.equal(body.index.count, 326);
    assert.ok(body.duplicates.links > 0 && body.duplicates.groups > 0 && body.duplicates.largestGroup >= 2);
    assert.ok(body.thresholds.some((x) => x.scope === "*"));
    assert.ok(body.index.generation);
  });

  test("reindex reaches succeeded with progress 1 while searches keep answering; a second one is 409", async (t) => {
    const s = server(t);
    if (!s) return;
    const before = await call<StatsResponse>(s, "/api/admin/stats", { headers: bearer(s) });
    const started = await call<JobStartedResponse>(s, "/api/admin/reindex", { method: "POST", headers: bearer(s), json: { batchSize: 2 } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const jobId = started.body.jobId;
    const dup = await call<ApiErrorBody>(s, "/api/admin/reindex", { method: "POST", headers: bearer(s) });
    assert.equal(dup.status, 409, JSON.stringify(dup.body));
    assert.equal(dup.body.error.code, "conflict");

    let searches = 0;
    let sawRunning = false;
    const progress: number[] = [];
    for (;;) {
      const r: Res<SearchResponse> = await call<SearchResponse>(s, "/api/search?q=upload%20fails&limit=5", { headers: { "x-forwarded-for": freshIp() } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.results.length, 5);
      searches++;
      const j = await call<JobResponse>(s, `/api/admin/jobs/${jobId}`, { headers: bearer(s) });
      progress.push(j.body.job.progress);
      if (j.body.job.state === "running") sawRunning = true;
      if (j.body.job.state === "succeeded" || j.body.job.state === "failed") break;
    }
    const job = await waitJob(s, jobId);
    assert.equal(job.state, "succeeded", job.error ?? "");
    assert.equal(job.progress, 1);
    assert.equal(job.processed, 326);
    assert.ok(sawRunning, "job was observed running");
    assert.ok(searches >= 2, `searches answered during the reindex: ${searches}`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!, "progress never goes back");
    const afterStats = await call<StatsResponse>(s, "/api/admin/stats", { headers: bearer(s) });
    assert.equal(afterStats.body.index.count, 326);
    assert.notEqual(afterStats.body.index.generation, before.body.index.generation, "a new generation is live");
    const jobs = await call<JobsResponse>(s, "/api/admin/jobs?kind=reindex", { headers: bearer(s) });
    assert.ok(jobs.body.jobs.some((j) => j.id === jobId));
    assert.equal((await call(s, "/api/admin/jobs/no-such-job", { headers: bearer(s) })).status, 404);
  });

  test("import (JSON and multipart) runs as a job and the new reports are searchable", async (t) => {
    const s = server(t);
    if (!s) return;
    const lines = [
      { source: "it", externalId: "IT-1", title: "Zorblax widget overflows on tiny screens", description: "The zorblax widget is cut off.", product: "Harbor Mobile", createdAt: "2024-05-01T10:00:00Z" },
      { source: "it", externalId: "IT-2", title: "Zorblax widget clipped on small phones", description: "Same zorblax widget clipping.", product: "Harbor Mobile", createdAt: "2024-05-02T10:00:00Z", duplicateOf: ["IT-1"] },
    ];
    const content = lines.map((l) => JSON.stringify(l)).join("\n");
    const r = await call<JobStartedResponse>(s, "/api/admin/import", { method: "POST", headers: bearer(s), json: { format: "jsonl", content } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const job = await waitJob(s, r.body.jobId);
    assert.equal(job.state, "succeeded", job.error ?? "");
    assert.equal(job.counts?.imported, 2);
    assert.equal(job.counts?.indexed, 2);
    const found = await call<SearchResponse>(s, "/api/search?q=zorblax&limit=5", { headers: { "x-forwarded-for": freshIp() } });
    // Both keyword matches rank above the dense-only neighbours.
    assert.deepEqual(found.body.results.slice(0, 2).map((x) => x.report.externalId).sort(), ["IT-1", "IT-2"]);

    const form = new FormData();
    form.set("format", "jsonl");
    form.set("file", new Blob([JSON.stringify({ source: "it", externalId: "IT-3", title: "Multipart uploaded report about flurbles", createdAt: "2024-05-03" })]), "x.jsonl");
    const m = await call<JobStartedResponse>(s, "/api/admin/import", { method: "POST", headers: bearer(s), body: form });
    assert.equal(m.status, 202, JSON.stringify(m.body));
    const mj = await waitJob(s, m.body.jobId);
    assert.equal(mj.state, "succeeded", mj.error ?? "");
    assert.equal(mj.counts?.imported, 1);

    const bad = await call<JobStartedResponse>(s, "/api/admin/import", { method: "POST", headers: bearer(s), json: { format: "jsonl", content: "{broken\n" } });
    assert.equal(bad.status, 202);
    const bj = await waitJob(s, bad.body.jobId);
    assert.equal(bj.counts?.rejected, 1);

    const badFormat = await call<ApiErrorBody>(s, "/api/admin/import", { method: "POST", headers: bearer(s), json: { format: "xml", content: "x" } });
    assert.equal(badFormat.status, 400);
    const huge = await call<ApiErrorBody>(s, "/api/admin/import", {
      method: "POST",
      headers: bearer(s),
      json: { format: "jsonl", content: "x".repeat(2 * 1024 * 1024 + 10) },
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, "payload_too_large");
  });

  test("calibration stores thresholds from confirmed duplicates", async (t) => {
    const s = server(t);
    if (!s) return;
    const r = await call<CalibrateResponse>(s, "/api/admin/thresholds/calibrate", { method: "POST", headers: bearer(s) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const star = r.body.thresholds.find((x) => x.scope === "*" && x.serving)!;
    assert.equal(star.model, r.body.model);
    assert.equal(star.isDefault, false);
    assert.ok(star.positives >= 10, `positives ${star.positives}`);
    for (const rate of [star.likelyPrecision, star.likelyRecall, star.relatedPrecision, star.relatedRecall]) assert.ok(rate !== null && rate > 0 && rate <= 1);
    // The related tier reaches further down: more recall, no more precision than "likely".
    assert.ok(star.relatedRecall! >= star.likelyRecall! && star.relatedPrecision! <= star.likelyPrecision!);
    assert.ok(star.related < star.likely);
    const d = r.body.details.find((x) => x.scope === "*")!;
    assert.ok(d.positives >= 10 && d.negatives > d.positives);
    const bad = await call(s, "/api/admin/thresholds/calibrate", { method: "POST", headers: bearer(s), json: { targetPrecision: 2 } });
    assert.equal(bad.status, 400);
  });

  test("sweep lists pairs above the threshold, best first", async (t) => {
    const s = server(t);
    if (!s) return;
    const r = await call<SweepResponse>(s, "/api/admin/sweep?threshold=0.3&limit=20&k=5", { headers: bearer(s) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.pairs.length, 20);
    assert.ok(r.body.scanned >= 326);
    for (let i = 0; i < r.body.pairs.length; i++) {
      const p = r.body.pairs[i]!;
      assert.ok(p.score >= 0.3);
      assert.notEqual(p.a.id, p.b.id);
      if (i > 0) assert.ok(r.body.pairs[i - 1]!.score >= p.score);
    }
    assert.equal(new Set(r.body.pairs.map((p) => `${p.a.id}:${p.b.id}`)).size, 20, "no pair twice");
    assert.equal((await call(s, "/api/admin/sweep?threshold=7", { headers: bearer(s) })).status, 400);
  });

  test("models and evaluation", async (t) => {
    const s = server(t);
    if (!s) return;
    const m = await call<ModelsResponse>(s, "/api/admin/models", { headers: bearer(s) });
    assert.equal(m.status, 200);
    assert.ok(m.body.serving.dims && m.body.serving.dims > 0);
    assert.equal((await call(s, "/api/admin/evaluation", { headers: bearer(s) })).status, 200);
    assert.equal((await call(s, "/api/admin/models/999999/activate", { method: "POST", headers: bearer(s) })).status, 404);
  });

  test("public endpoints are rate limited per client with Retry-After", async (t) => {
    const s = server(t);
    if (!s) return;
    const ip = "10.250.0.1";
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const r: Res<ApiErrorBody> = await call<ApiErrorBody>(s, "/api/search?q=sync", { headers: { "x-forwarded-for": ip } });
      statuses.push(r.status);
      if (r.status === 429) {
        retryAfter = r.res.headers.get("retry-after");
        assert.equal(r.body.error.code, "rate_limited");
      }
    }
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.equal(statuses[6], 429);
    assert.ok(retryAfter && Number(retryAfter) >= 1);
    // Another client is unaffected.
    assert.equal((await call(s, "/api/search?q=sync", { headers: { "x-forwarded-for": "10.250.0.2" } })).status, 200);
  });

  test("the server logged no unhandled errors", (t) => {
    const s = server(t);
    if (!s) return;
    assert.ok(!s.logs().includes("unhandled error"), s.logs().slice(-3000));
  });
});
