// Bugzilla and Jira live sync against FakeBugzilla / FakeJira (tests/helpers, the trackers' documented REST
// wire formats): first sync over several pages, duplicate links (dupe_of; Jira "Duplicate" issue links),
// incremental sync from the cursor, 429/503 with Retry-After then success, refused credentials.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "@/lib/offline/migrate/runner";
import { loadConfig } from "@/lib/config";
import type { Core } from "@/lib/core";
import { openCore } from "@/lib/runtime/cli";
import { trackerFor } from "@/lib/sync/connectors";
import { runSync } from "@/lib/sync/run";
import { FakeBugzilla } from "@/tests/helpers/fake-bugzilla";
import { FakeJira } from "@/tests/helpers/fake-jira";

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-sync-bzj-"));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function openDb(name: string, env: Record<string, string>): Promise<Core> {
  const url = `file:${path.join(dir, `${name}.db`)}`;
  await migrate(url);
  return openCore(loadConfig({ DATABASE_URL: url, SYNC_PAGE_SIZE: "50", SYNC_MAX_WAIT_MS: "5000", ...env }));
}

async function linkPairs(c: Core): Promise<string[]> {
  const links = await c.db.duplicateLink.findMany({ include: { duplicate: true, master: true } });
  return links.map((l) => `${l.duplicate.externalId}->${l.master.externalId}`).sort();
}

test("Bugzilla: pages by offset, comment 0 as description, dupe_of linked, incremental, 429, bad key", async (t) => {
  const bz = new FakeBugzilla();
  bz.generate(120);
  bz.update(1005, { status: "RESOLVED", resolution: "DUPLICATE", dupe_of: 1002 });
  await bz.start();
  t.after(() => bz.stop());
  const env = { BUGZILLA_URL: `${bz.server.baseUrl}/`, BUGZILLA_API_KEY: bz.apiKey };
  const c = await openDb("bugzilla", env);
  t.after(() => c.close());
  const source = `bugzilla:${new URL(bz.server.baseUrl).host}`;

  const first = await runSync(c, trackerFor(c.config, "bugzilla").connector, { index: false });
  assert.equal(first.imported, 120);
  assert.equal(first.links, 1);
  const searches = bz.server.requests.filter((r) => r.path === "/rest/bug");
  assert.deepEqual(searches.map((r) => r.query.get("offset")), ["0", "50", "100", "120"], "pages until an empty one");
  assert.equal(searches[0]!.query.get("last_change_time"), "1970-01-01T00:00:00Z");
  assert.equal(searches[0]!.query.get("order"), "changeddate,bug_id");
  assert.equal(searches[0]!.headers["x-bugzilla-api-key"], bz.apiKey);
  assert.deepEqual(await linkPairs(c), ["1005->1002"]);
  const r1001 = await c.db.report.findFirstOrThrow({ where: { source, externalId: "1001" } });
  assert.equal(r1001.description, bz.bugs.get(1001)!.description.trim(), "comment 0 is the description");
  assert.equal(r1001.url, `${bz.server.baseUrl}/show_bug.cgi?id=1001`);
  const row = await c.db.syncSource.findUniqueOrThrow({ where: { name: "bugzilla" } });
  assert.equal(row.cursor, bz.bugs.get(1005)!.last_change_time, "the latest change");

  bz.update(1010, { summary: "Edited summary", status: "ASSIGNED" });
  bz.server.fault({ match: (m, p) => m === "GET" && p === "/rest/bug", status: 429, headers: { "retry-after": "1" }, body: { error: true, message: "Too Many Requests" } });
  const before = bz.server.requests.length;
  const second = await runSync(c, trackerFor(c.config, "bugzilla").connector, { index: false });
  const again = bz.server.requests.slice(before).filter((r) => r.path === "/rest/bug");
  assert.equal(again[0]!.query.get("last_change_time"), row.cursor, "incremental from the cursor");
  assert.equal(again.length, 3, "429, then the page, then the empty page");
  assert.equal(second.updated, 1);
  assert.equal((await c.db.report.findFirstOrThrow({ where: { source, externalId: "1010" } })).title, "Edited summary");

  const bad = openCore(loadConfig({ ...env, DATABASE_URL: c.config.databaseUrl, BUGZILLA_API_KEY: "wrong-key-value" }));
  t.after(() => bad.close());
  await assert.rejects(runSync(bad, trackerFor(bad.config, "bugzilla").connector, { index: false }), (e: Error) => {
    assert.match(e.message, /Bugzilla GET \/rest\/bug: HTTP 400 \(The API key you specified is invalid/);
    assert.ok(!e.message.includes("wrong-key-value"));
    return true;
  });
});

test("Jira: JQL pages by startAt to total, Duplicate links both ways, incremental by minute, 503", async (t) => {
  const jira = new FakeJira();
  jira.generate(75);
  jira.update("HBR-5", { status: "Closed", resolution: "Duplicate", duplicates: ["HBR-2"] });
  // A duplicate of an issue synced later (HBR-70 is updated last): resolved when its master arrives.
  jira.update("HBR-3", { duplicates: ["HBR-70"] });
  jira.update("HBR-70", { description: "touched" });
  await jira.start();
  t.after(() => jira.stop());
  const c = await openDb("jira", { JIRA_URL: jira.server.baseUrl, JIRA_PROJECT: "hbr", JIRA_TOKEN: jira.token, SYNC_PAGE_SIZE: "30" });
  t.after(() => c.close());

  const first = await runSync(c, trackerFor(c.config, "jira").connector, { index: false });
  assert.equal(first.imported, 75);
  assert.equal(first.pendingLinks, 0);
  const searches = jira.server.requests.filter((r) => r.path === "/rest/api/2/search");
  assert.deepEqual(searches.map((r) => r.query.get("startAt")), ["0", "30", "60"], "stops at total");
  assert.equal(searches[0]!.query.get("jql"), 'project = "HBR" ORDER BY updated ASC, key ASC');
  assert.equal(searches[0]!.headers.authorization, `Bearer ${jira.token}`);
  assert.deepEqual(await linkPairs(c), ["HBR-3->HBR-70", "HBR-5->HBR-2"], "outward and inward Duplicate links, Relates ignored");
  const r5 = await c.db.report.findFirstOrThrow({ where: { source: "jira:HBR", externalId: "HBR-5" } });
  assert.equal(r5.resolution, "Duplicate");
  assert.equal(r5.url, `${jira.server.baseUrl}/browse/HBR-5`);
  const row = await c.db.syncSource.findUniqueOrThrow({ where: { name: "jira" } });
  assert.equal(row.cursor, new Date(jira.issues.get("HBR-70")!.updated.replace("+0000", "Z")).toISOString());

  jira.update("HBR-10", { summary: "Edited in Jira" });
  jira.server.fault({ match: (_m, p) => p === "/rest/api/2/search", status: 503, headers: { "retry-after": "1" }, body: { errorMessages: ["Service Unavailable"] } });
  const n = jira.server.requests.length;
  const second = await runSync(c, trackerFor(c.config, "jira").connector, { index: false });
  const jql = jira.server.requests.slice(n).filter((r) => r.path === "/rest/api/2/search").map((r) => r.query.get("jql"));
  const minute = row.cursor!.slice(0, 16).replace(/-/g, "/").replace("T", " ");
  assert.equal(jql.at(-1), `project = "HBR" AND updated >= "${minute}" ORDER BY updated ASC, key ASC`);
  assert.equal(second.updated, 1);
  assert.equal(second.unchanged, 1, "the cursor's own minute is re-read and found unchanged");
});
