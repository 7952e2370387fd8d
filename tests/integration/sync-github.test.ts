// GitHub live sync against FakeGithub (tests/helpers/fake-github.ts, GitHub's documented REST wire format):
// first sync through the CLI (Link pagination, pull requests skipped, closed-as-duplicate + "Duplicate of #N"
// comments imported as links), incremental sync from the cursor, resume after SIGKILL mid-run, 429/403 rate
// limits then success, refused credentials (no token in any message), and indexing of what arrives.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "@/lib/offline/migrate/runner";
import { loadConfig } from "@/lib/config";
import type { Core } from "@/lib/core";
import { openCore } from "@/lib/runtime/cli";
import { trackerFor } from "@/lib/sync/connectors";
import { runSync } from "@/lib/sync/run";
import { FakeGithub } from "@/tests/helpers/fake-github";
import { syncTestModel } from "@/tests/helpers/sync-model";

const ROOT = path.resolve(import.meta.dirname, "../..");
const model = syncTestModel();
let dir: string;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-sync-gh-"));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function freshDb(name: string): Promise<string> {
  const url = `file:${path.join(dir, `${name}.db`)}`;
  await migrate(url);
  return url;
}

function env(gh: FakeGithub, dbUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: dbUrl,
    ...("dir" in model ? { MODEL_DIR: model.dir } : {}),
    GITHUB_REPO: gh.repo,
    GITHUB_API_URL: gh.server.baseUrl,
    GITHUB_TOKEN: gh.token,
    SYNC_PAGE_SIZE: "50",
    SYNC_MAX_WAIT_MS: "5000",
    ...extra,
  };
}

function core(gh: FakeGithub, dbUrl: string, extra: Record<string, string> = {}): Core {
  return openCore(loadConfig(env(gh, dbUrl, extra)));
}

/** Runs `npm run sync -- github` as a child; resolves with its exit code and stderr. */
function cli(args: string[], envVars: Record<string, string>, onLine?: (line: string, kill: () => void) => void) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/sync.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...envVars },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => {
    err += d;
    for (const line of d.split("\n")) if (line) onLine?.(line, () => child.kill("SIGKILL"));
  });
  return new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr: err })),
  );
}

test("first and incremental sync: Link pages, PRs skipped, duplicates linked, cursor moves", async (t) => {
  const gh = new FakeGithub();
  gh.generate(300, 30); // 10 pull requests
  // Issue 7 closed as a duplicate of 3, marked by GitHub's "Duplicate of #N" comment.
  gh.update(7, { state: "closed", state_reason: "duplicate" });
  gh.addComment(7, "Duplicate of #3");
  // A master updated after its duplicate: the link waits until the master arrives on a later page.
  gh.addComment(12, "Duplicate of #299");
  gh.update(299, { body: "moved to the end of the updated order" });
  await gh.start();
  t.after(() => gh.stop());
  const db = await freshDb("first");

  const run = await cli(["github", "--no-index"], env(gh, db));
  t.diagnostic(run.stderr);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /sync github: page 6: 300 fetched \(290 new, 0 changed, 0 unchanged, 10 skipped, 0 rejected\), 2 links \(0 pending\)/);
  const lists = gh.requests.filter((r) => r.path === "/repos/acme/widgets/issues");
  assert.deepEqual(lists.map((r) => r.query.get("page") ?? "1"), ["1", "2", "3", "4", "5", "6"], "followed rel=next to the last page");
  assert.equal(lists[0]!.query.get("since"), null, "first sync reads everything");
  assert.equal(lists[0]!.query.get("state"), "all");
  assert.equal(lists[0]!.headers.authorization, `Bearer ${gh.token}`);

  const c = core(gh, db);
  t.after(() => c.close());
  assert.equal(await c.db.report.count({ where: { source: "github:acme/widgets" } }), 290);
  assert.equal(await c.db.report.count({ where: { externalId: "30" } }), 0, "pull request #30 skipped");
  const links = await c.db.duplicateLink.findMany({ include: { duplicate: true, master: true } });
  assert.deepEqual(links.map((l) => `${l.duplicate.externalId}->${l.master.externalId}`).sort(), ["12->299", "7->3"]);
  const row = await c.db.syncSource.findUnique({ where: { name: "github" } });
  assert.equal(row?.state, "succeeded");
  const newest = [...gh.issues.values()].map((i) => i.updated_at).sort().at(-1);
  assert.equal(row?.cursor, newest);

  // Incremental: two edits and one new issue since the cursor.
  gh.update(5, { title: "Renamed: upload stalls at 99%" });
  gh.update(8, { state: "closed", state_reason: "completed" });
  gh.addIssue({ title: "Brand new crash when opening settings", body: "Opening settings crashes the app." });
  const before = gh.requests.length;
  const counts = await runSync(c, trackerFor(c.config, "github").connector, { index: false });
  const first = gh.requests.slice(before).find((r) => r.path === "/repos/acme/widgets/issues")!;
  assert.equal(first.query.get("since"), newest, "incremental sync starts at the stored cursor");
  assert.equal(counts.imported, 1);
  assert.equal(counts.updated, 2);
  assert.equal(await c.db.report.count(), 291);
  assert.equal((await c.db.report.findFirst({ where: { externalId: "5" } }))?.title, "Renamed: upload stalls at 99%");
});

test("a sync killed mid-run resumes at the last committed page: nothing lost, nothing doubled", async (t) => {
  const gh = new FakeGithub();
  gh.generate(240);
  await gh.start();
  t.after(() => gh.stop());
  const db = await freshDb("kill");
  // Page 3 answers slowly, so the kill lands while it is in flight.
  gh.server.delay = { match: (_m, p) => p === "/repos/acme/widgets/issues" && gh.requests.at(-1)?.query.get("page") === "3", ms: 30_000 };

  const killed = await cli(["github", "--no-index"], env(gh, db), (line, kill) => {
    if (line.includes("page 2:")) setTimeout(kill, 200);
  });
  assert.equal(killed.signal, "SIGKILL", killed.stderr);
  gh.server.delay = null;

  const c = core(gh, db);
  t.after(() => c.close());
  assert.equal(await c.db.report.count(), 100, "two pages of 50 committed before the kill");
  const row = await c.db.syncSource.findUnique({ where: { name: "github" } });
  const page2Last = [...gh.issues.values()].sort((a, b) => a.updated_at.localeCompare(b.updated_at))[99]!.updated_at;
  assert.equal(row?.cursor, page2Last, "cursor at the last issue of page 2");
  assert.equal(row?.state, "running", "the killed run left its claim behind");

  // The rerun takes over the dead run's claim (stale heartbeat) and resumes from the cursor.
  const resumed = await cli(["github", "--no-index"], env(gh, db, { STALE_JOB_MS: "1000" }));
  t.diagnostic(resumed.stderr);
  assert.equal(resumed.code, 0, resumed.stderr);
  const lists = gh.requests.filter((r) => r.path === "/repos/acme/widgets/issues");
  const rerunFirst = lists.find((r) => r.query.get("since") !== null);
  assert.equal(rerunFirst?.query.get("since"), page2Last);
  assert.equal(await c.db.report.count(), 240, "every issue once");
  const ids = (await c.db.report.findMany({ select: { externalId: true } })).map((r) => Number(r.externalId)).sort((a, b) => a - b);
  assert.deepEqual(ids, Array.from({ length: 240 }, (_, i) => i + 1));
  assert.match(resumed.stderr, /done in .*: 141 fetched, 140 new, 0 changed, 1 unchanged/, "only the cursor's own issue is read again");
});

test("rate limits: 429 with retry-after and 403 with x-ratelimit-remaining 0 are waited out", async (t) => {
  const gh = new FakeGithub();
  gh.generate(60);
  await gh.start();
  t.after(() => gh.stop());
  const db = await freshDb("ratelimit");
  const list = (m: string, p: string) => m === "GET" && p === "/repos/acme/widgets/issues";
  gh.server.fault({ match: list, status: 429, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit." } });
  gh.server.fault({
    match: list,
    status: 403,
    headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000)) },
    body: { message: "API rate limit exceeded" },
  });
  const c = core(gh, db);
  t.after(() => c.close());
  const waits: string[] = [];
  const t0 = Date.now();
  const counts = await runSync(c, trackerFor(c.config, "github", (ms, reason) => waits.push(`${ms}:${reason}`)).connector, { index: false });
  assert.equal(counts.imported, 60);
  assert.equal(waits.length, 2, waits.join("\n"));
  assert.match(waits[0]!, /^1000:HTTP 429/);
  assert.match(waits[1]!, /HTTP 403/);
  assert.ok(Date.now() - t0 >= 1000, "waited for retry-after");
  assert.equal(gh.requests.filter((r) => list(r.method, r.path)).length, 4, "two refused, then both pages");

  // A wait beyond SYNC_MAX_WAIT_MS fails the run with a message (it resumes later from the cursor).
  gh.server.fault({ match: list, status: 429, headers: { "retry-after": "3600" }, times: 1 });
  gh.addIssue({ title: "new after the limit" });
  await assert.rejects(runSync(c, trackerFor(c.config, "github").connector, { index: false }), /exceeds SYNC_MAX_WAIT_MS/);
  assert.equal((await c.db.syncSource.findUnique({ where: { name: "github" } }))?.state, "failed");
});

test("refused credentials fail the run with a message that never contains the token", async (t) => {
  const gh = new FakeGithub();
  gh.generate(5);
  await gh.start();
  t.after(() => gh.stop());
  const db = await freshDb("badtoken");
  const run = await cli(["github"], env(gh, db, { GITHUB_TOKEN: "ghp_wrong_secret_value" }));
  assert.equal(run.code, 1);
  assert.match(run.stderr, /GitHub GET \/repos\/acme\/widgets\/issues: HTTP 401 \(Bad credentials\): the credentials were refused/);
  assert.ok(!run.stderr.includes("ghp_wrong_secret_value"), run.stderr);
  const c = core(gh, db);
  t.after(() => c.close());
  const row = await c.db.syncSource.findUnique({ where: { name: "github" } });
  assert.equal(row?.state, "failed");
  assert.ok(row?.lastError?.includes("401") && !row.lastError.includes("ghp_"), row?.lastError ?? "");
  assert.equal(await c.db.report.count(), 0);
  assert.ok(!JSON.stringify(row).includes("ghp_"), "no credential stored");
});

test("new and changed reports are embedded and indexed as they arrive", async (t) => {
  if ("missing" in model) return t.skip(model.missing);
  const gh = new FakeGithub();
  gh.generate(12);
  await gh.start();
  t.after(() => gh.stop());
  const db = await freshDb("index");
  const c = core(gh, db, { SYNC_PAGE_SIZE: "5" });
  t.after(() => c.close());
  const perPage: number[] = [];
  await runSync(c, trackerFor(c.config, "github").connector, { onProgress: (p) => void perPage.push(p.counts.indexed) });
  assert.deepEqual(perPage, [5, 10, 12], "each page indexed before the next is read");
  const { index } = await c.query();
  assert.equal(await index.count(), 12);
  gh.update(4, { body: "Completely different text about printer drivers" });
  const counts = await runSync(c, trackerFor(c.config, "github").connector);
  assert.equal(counts.updated, 1);
  assert.equal(counts.indexed, 1, "only the changed report is re-embedded");
  const stale = await c.db.report.count({ where: { OR: [{ indexedHash: null }] } });
  assert.equal(stale, 0);
});
