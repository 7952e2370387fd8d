// importRecords against a real, migrated SQLite file: idempotent re-runs, updates, crash
// recovery, duplicate-link resolution, the Hadoop Jira export, Jira exports spanning projects, and the CLI
// as a child process.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { migrate } from "@/lib/offline/migrate/runner";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { parseInput, type ParseOptions } from "@/lib/ingest/formats";
import { importRecords, type ImportOptions } from "@/lib/ingest/import";
import { type Format } from "@/lib/ingest/types";

const FIX = path.resolve("tests/fixtures/ingest");
const DEMO = path.resolve("data/demo/reports.jsonl");
// shared/ sits beside the checkout (locally and in CI); BUGSIFT_SHARED_DIR overrides.
const HADOOP = path.resolve(process.env.BUGSIFT_SHARED_DIR ?? "../shared", "data/hadoop-jira");

let dir: string;
let url: string;
let prisma: PrismaClient;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-ingest-import-"));
  url = `file:${path.join(dir, "test.db")}`;
  await migrate(url);
  prisma = createPrisma(url);
});

after(async () => {
  await prisma?.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = (format: Format, input: string | fs.ReadStream, opts: ParseOptions, batchSize?: number, onProgress?: ImportOptions["onProgress"]) =>
  importRecords(prisma, parseInput(format, input, opts), { batchSize, onProgress });

async function countSource(source: string) {
  const reports = await prisma.report.count({ where: { source } });
  const links = await prisma.duplicateLink.count({ where: { duplicate: { source } } });
  return { reports, links };
}

const demoLines = () => fs.readFileSync(DEMO, "utf8").trimEnd().split("\n");
const expectedDemoLinks = () => demoLines().filter((l) => l.includes('"duplicate_of"')).length;

test("import then re-run: second run changes nothing (all unchanged, no new rows or links)", async () => {
  const source = "demo-idem";
  const total = demoLines().length;
  const links = expectedDemoLinks();
  const first = await run("jsonl", fs.createReadStream(DEMO), { source }, 100);
  assert.deepEqual(
    { imported: first.imported, updated: first.updated, unchanged: first.unchanged, rejected: first.rejected, links: first.links },
    { imported: total, updated: 0, unchanged: 0, rejected: 0, links: { created: links, existing: 0, unresolved: 0 } },
  );
  const before = await prisma.report.findMany({ where: { source }, orderBy: { id: "asc" }, select: { id: true, externalId: true, contentHash: true, importedAt: true } });

  const second = await run("jsonl", fs.createReadStream(DEMO), { source }, 100);
  assert.deepEqual(
    { imported: second.imported, updated: second.updated, unchanged: second.unchanged, rejected: second.rejected, links: second.links },
    { imported: 0, updated: 0, unchanged: total, rejected: 0, links: { created: 0, existing: links, unresolved: 0 } },
  );
  assert.deepEqual(await countSource(source), { reports: total, links });
  const afterRows = await prisma.report.findMany({ where: { source }, orderBy: { id: "asc" }, select: { id: true, externalId: true, contentHash: true, importedAt: true } });
  assert.deepEqual(afterRows, before, "rows untouched");

  // The IndexJob rows record both runs.
  const job = await prisma.indexJob.findUnique({ where: { id: second.jobId! } });
  assert.equal(job?.kind, "import");
  assert.equal(job?.state, "succeeded");
  assert.equal(job?.progress, 1);
  assert.equal(JSON.parse(job!.counts!).unchanged, total);
});

test("an edited record is 'updated' in place: same id, new contentHash, indexedHash kept for the re-embed check", async () => {
  const source = "edit";
  const text = fs.readFileSync(path.join(FIX, "generic.jsonl"), "utf8");
  const first = await run("jsonl", text, { source });
  assert.equal(first.imported, 3);
  const row = await prisma.report.findUniqueOrThrow({ where: { source_externalId: { source, externalId: "ACME-1" } } });
  await prisma.report.update({ where: { id: row.id }, data: { indexedHash: row.contentHash } });

  const edited = text.replace("Export to PDF drops embedded fonts", "Export to PDF drops embedded OpenType fonts");
  assert.notEqual(edited, text);
  const second = await run("jsonl", edited, { source });
  assert.deepEqual([second.imported, second.updated, second.unchanged], [0, 1, 2]);
  assert.deepEqual(second.links, { created: 0, existing: 1, unresolved: 0 });
  const after = await prisma.report.findUniqueOrThrow({ where: { source_externalId: { source, externalId: "ACME-1" } } });
  assert.equal(after.id, row.id);
  assert.equal(after.title, "Export to PDF drops embedded OpenType fonts");
  assert.notEqual(after.contentHash, row.contentHash);
  assert.equal(after.indexedHash, row.contentHash, "indexer sees indexedHash != contentHash");
  assert.equal(await prisma.report.count({ where: { source } }), 3);
});

test("crash after batch 1 (throw from onProgress), then a re-run completes with exact counts", async () => {
  const source = "demo-crash";
  const total = demoLines().length;
  const links = expectedDemoLinks();
  await assert.rejects(
    run("jsonl", fs.createReadStream(DEMO), { source }, 100, (p) => {
      if (p.phase === "reports" && p.batches === 1) throw new Error("simulated crash");
    }),
    /simulated crash/,
  );
  // Batch 1 committed as a whole; no links yet (they are resolved after all reports).
  assert.deepEqual(await countSource(source), { reports: 100, links: 0 });
  const failed = await prisma.indexJob.findFirst({ where: { kind: "import", state: "failed" }, orderBy: { createdAt: "desc" } });
  assert.match(failed?.error ?? "", /simulated crash/);

  const s = await run("jsonl", fs.createReadStream(DEMO), { source }, 100);
  assert.deepEqual(
    { imported: s.imported, updated: s.updated, unchanged: s.unchanged, rejected: s.rejected, links: s.links },
    { imported: total - 100, updated: 0, unchanged: 100, rejected: 0, links: { created: links, existing: 0, unresolved: 0 } },
  );
  assert.deepEqual(await countSource(source), { reports: total, links });
  const distinct = await prisma.report.groupBy({ by: ["externalId"], where: { source }, _count: true });
  assert.ok(distinct.every((g) => g._count === 1), "no duplicated rows");
});

test("links: master later in the file, unresolved masters warned, repeated ids rejected, triager links left alone", async () => {
  const source = "links";
  const line = (o: object) => JSON.stringify({ createdAt: "2024-01-01T00:00:00Z", ...o });
  const v1 = [
    line({ externalId: "L-2", title: "Duplicate listed before its master", duplicateOf: "L-1" }),
    line({ externalId: "L-3", title: "Points at a report nobody imported", duplicateOf: ["NOPE-9"] }),
    line({ externalId: "L-1", title: "The master" }),
    line({ externalId: "L-2", title: "Same id again" }),
  ].join("\n");
  const s1 = await run("jsonl", v1, { source });
  assert.deepEqual([s1.imported, s1.rejected], [3, 1]);
  assert.deepEqual(s1.errors, [{ line: 4, message: 'id "L-2" appears again in this input (first at line 1)' }]);
  assert.deepEqual(s1.links, { created: 1, existing: 0, unresolved: 1 });
  assert.equal(s1.warnings.length, 1);
  assert.equal(s1.warnings[0]!.line, 2);
  assert.match(s1.warnings[0]!.message, /master "NOPE-9" not found in source "links"/);

  const id = async (ext: string) => (await prisma.report.findUniqueOrThrow({ where: { source_externalId: { source, externalId: ext } } })).id;
  const l1 = await id("L-1");
  const l3 = await id("L-3");
  const link = await prisma.duplicateLink.findUniqueOrThrow({ where: { duplicateId_masterId: { duplicateId: await id("L-2"), masterId: l1 } } });
  assert.equal(link.origin, "imported");

  // A triager already linked L-3 -> L-1; the next export says the same: the link is kept as is.
  const manual = await prisma.duplicateLink.create({ data: { duplicateId: l3, masterId: l1, origin: "triager", actor: "maria" } });
  const v2 = v1.replace('"duplicateOf":["NOPE-9"]', '"duplicateOf":["L-1"]').split("\n").slice(0, 3).join("\n");
  const s2 = await run("jsonl", v2, { source });
  assert.deepEqual([s2.imported, s2.updated, s2.unchanged, s2.rejected], [0, 0, 3, 0]);
  assert.deepEqual(s2.links, { created: 0, existing: 2, unresolved: 0 });
  const kept = await prisma.duplicateLink.findUniqueOrThrow({ where: { id: manual.id } });
  assert.deepEqual([kept.origin, kept.actor, kept.createdAt.getTime()], ["triager", "maria", manual.createdAt.getTime()]);
  assert.equal((await countSource(source)).links, 2);
});

test("bad batch size is a clear error", async () => {
  await assert.rejects(importRecords(prisma, [], { batchSize: 0 }), /batchSize must be a positive integer/);
});

test("Hadoop Jira export: 2,503 reports and all 127 duplicate pairs from duplicates.csv", async (t) => {
  if (!fs.existsSync(path.join(HADOOP, "reports.csv")) || !fs.existsSync(path.join(HADOOP, "duplicates.csv"))) {
    t.skip(`${HADOOP} is absent: Hadoop Jira import test skipped`);
    return;
  }
  const source = "jira:HADOOP";
  const opts = () => ({ source, links: fs.createReadStream(path.join(HADOOP, "duplicates.csv")), linksName: "duplicates.csv" });
  const s = await run("jira", fs.createReadStream(path.join(HADOOP, "reports.csv")), opts());
  assert.deepEqual(s.errors, []);
  assert.deepEqual(s.warnings, []);
  assert.deepEqual([s.imported, s.rejected], [2503, 0]);
  assert.deepEqual(s.links, { created: 127, existing: 0, unresolved: 0 });

  // Expected pairs read independently of the importer: "Issue id" = master, each id in
  // "Duplicate id" = a duplicate of it.
  const expected = new Set<string>();
  for (const row of fs.readFileSync(path.join(HADOOP, "duplicates.csv"), "utf8").trim().split("\n").slice(1)) {
    const m = /^(\d+),"?([\d, ]+)"?$/.exec(row.trim());
    assert.ok(m, `unexpected row ${row}`);
    for (const d of m![2]!.split(",")) expected.add(`${d.trim()}->${m![1]}`);
  }
  assert.equal(expected.size, 127);
  const links = await prisma.duplicateLink.findMany({ where: { duplicate: { source } }, include: { duplicate: true, master: true } });
  const got = new Set(links.map((l) => `${l.duplicate.externalId}->${l.master.externalId}`));
  assert.deepEqual([...expected].filter((p) => !got.has(p)), [], "every pair has its link");
  assert.equal(got.size, 127);
  assert.ok(links.every((l) => l.origin === "imported"));

  const sample = await prisma.report.findUniqueOrThrow({ where: { source_externalId: { source, externalId: "13404344" } } });
  assert.equal(sample.title, "JAR in conflict with timestamp check causes AM errors");
  assert.equal(sample.createdAt.toISOString(), "2021-09-30T17:20:00.000Z");
  assert.equal(sample.updatedAt.toISOString(), "2022-07-20T20:51:00.000Z", "Resolved stands in for Updated");
  assert.equal(sample.resolution, "Duplicate");
  assert.equal(sample.version, "2.9.2");

  const again = await run("jira", fs.createReadStream(path.join(HADOOP, "reports.csv")), opts());
  assert.deepEqual([again.imported, again.updated, again.unchanged], [0, 0, 2503]);
  assert.deepEqual(again.links, { created: 0, existing: 127, unresolved: 0 });
});

// ------------------------------------------------------------------ Jira exports spanning projects

const JIRA_HEADER = "Summary,Issue key,Issue id,Project key,Created,Outward issue link (Duplicate),Inward issue link (Duplicate)";
/** One export row; the project comes from the key. `outward`: masters of this issue; `inward`: its duplicates. */
const jiraRow = (key: string, id: string, outward = "", inward = "") =>
  [`Report ${key}`, key, id, key.split("-")[0], "03/Feb/22 10:15", outward, inward].join(",");
const jiraCsv = (...rows: string[]) => [JIRA_HEADER, ...rows].join("\n") + "\n";
const linksCsv = (...rows: string[]) => ["Issue id,Duplicate id", ...rows].join("\n") + "\n";

/** Stored links among the given sources as "source/duplicate->source/master", sorted. */
async function linkNames(sources: string[]) {
  const rows = await prisma.duplicateLink.findMany({
    where: { OR: [{ duplicate: { source: { in: sources } } }, { master: { source: { in: sources } } }] },
    include: { duplicate: true, master: true },
  });
  return rows.map((l) => `${l.duplicate.source}/${l.duplicate.externalId}->${l.master.source}/${l.master.externalId}`).sort();
}

async function sourcesOf(externalIds: string[]) {
  const rows = await prisma.report.findMany({ where: { externalId: { in: externalIds } }, select: { source: true, externalId: true } });
  return Object.fromEntries(rows.map((r) => [r.externalId, r.source]));
}

test("jira export of two projects + links file, no --source: cross- and same-project pairs linked, a missing end warned with its source", async () => {
  const csv = jiraCsv(jiraRow("ORCA-1", "9101"), jiraRow("ORCA-2", "9102"), jiraRow("PIKE-1", "9201"), jiraRow("PIKE-2", "9202"));
  const links = linksCsv("ORCA-1,PIKE-2", "ORCA-1,ORCA-2", "ORCA-1,QUAIL-7");
  const opts = () => ({ links, linksName: "links.csv" });
  const s = await run("jira", csv, opts());
  assert.deepEqual(s.errors, []);
  assert.equal(s.imported, 4);
  assert.deepEqual(s.links, { created: 2, existing: 0, unresolved: 1 });
  assert.deepEqual(s.warnings, [{ line: 4, file: "links.csv", message: 'duplicate link QUAIL-7 -> ORCA-1: duplicate "QUAIL-7" not found in source "jira:QUAIL"' }]);
  assert.deepEqual(await sourcesOf(["ORCA-1", "ORCA-2", "PIKE-1", "PIKE-2"]), {
    "ORCA-1": "jira:ORCA", "ORCA-2": "jira:ORCA", "PIKE-1": "jira:PIKE", "PIKE-2": "jira:PIKE",
  });
  assert.deepEqual(await linkNames(["jira:ORCA", "jira:PIKE"]), ["jira:ORCA/ORCA-2->jira:ORCA/ORCA-1", "jira:PIKE/PIKE-2->jira:ORCA/ORCA-1"]);

  const again = await run("jira", csv, opts());
  assert.deepEqual([again.imported, again.unchanged, again.rejected], [0, 4, 0]);
  assert.deepEqual(again.links, { created: 0, existing: 2, unresolved: 1 });
  assert.equal((await linkNames(["jira:ORCA", "jira:PIKE"])).length, 2);
});

test("jira export, no --source: a Duplicate link cell naming another project's issue resolves in that project", async () => {
  // RAY-1 duplicates SKATE-1 (outward, other project); RAY-2 duplicates RAY-1 (outward, same project);
  // SKATE-2 is duplicated by RAY-2 (inward, other project).
  const csv = jiraCsv(jiraRow("RAY-1", "9301", "SKATE-1"), jiraRow("RAY-2", "9302", "RAY-1"), jiraRow("SKATE-1", "9401"), jiraRow("SKATE-2", "9402", "", "RAY-2"));
  const items = [];
  for await (const item of parseInput("jira", csv, {})) items.push(item);
  const ray1 = items.find((i) => i.record?.externalId === "RAY-1")!.record!;
  assert.equal(ray1.duplicateOf, undefined, "the other project's key is not left for the record's own source");
  assert.deepEqual(items.find((i) => i.record?.externalId === "RAY-2")!.record!.duplicateOf, ["RAY-1"], "a same-project reference stays on the record");
  assert.deepEqual(items.filter((i) => i.link).map((i) => [i.line, i.link]), [
    [2, { duplicateSource: "jira:RAY", duplicate: "RAY-1", masterSource: "jira:SKATE", master: "SKATE-1", line: 2 }],
    [5, { duplicateSource: "jira:RAY", duplicate: "RAY-2", masterSource: "jira:SKATE", master: "SKATE-2", line: 5 }],
  ]);

  const s = await run("jira", csv, {});
  assert.deepEqual([s.errors, s.warnings, s.imported], [[], [], 4]);
  assert.deepEqual(s.links, { created: 3, existing: 0, unresolved: 0 });
  assert.deepEqual(await linkNames(["jira:RAY", "jira:SKATE"]), [
    "jira:RAY/RAY-1->jira:SKATE/SKATE-1",
    "jira:RAY/RAY-2->jira:RAY/RAY-1",
    "jira:RAY/RAY-2->jira:SKATE/SKATE-2",
  ]);
});

test("jira links file with numeric ids and two sources in the export: those pairs rejected per line, the others imported", async () => {
  const csv = jiraCsv(jiraRow("TUNA-1", "9501"), jiraRow("TUNA-2", "9502"), jiraRow("UNAGI-1", "9601"));
  const links = linksCsv("9501,9502", "TUNA-1,UNAGI-1", 'TUNA-1,"TUNA-2, 9601"');
  const s = await run("jira", csv, { links, linksName: "links.csv" });
  assert.equal(s.imported, 3);
  assert.equal(s.rejected, 2);
  assert.deepEqual(s.errors.map((e) => [e.file, e.line]), [["links.csv", 2], ["links.csv", 4]]);
  assert.match(s.errors[0]!.message, /^pair 9502 -> 9501: ids "9502" and "9501" name no project .*the export holds 2 sources/);
  assert.match(s.errors[1]!.message, /^pair 9601 -> TUNA-1: id "9601" names no project .*use the issue key, or --source/);
  assert.deepEqual(s.warnings, []);
  assert.deepEqual(s.links, { created: 2, existing: 0, unresolved: 0 });
  assert.deepEqual(await linkNames(["jira:TUNA", "jira:UNAGI"]), ["jira:TUNA/TUNA-2->jira:TUNA/TUNA-1", "jira:UNAGI/UNAGI-1->jira:TUNA/TUNA-1"]);
});

test("jira export of two projects with --source: every report, reference and pair in that one source", async () => {
  const source = "jira-one";
  const csv = jiraCsv(jiraRow("VOLE-1", "9701", "WREN-1"), jiraRow("WREN-1", "9801"), jiraRow("WREN-2", "9802"));
  const links = linksCsv("9801,9802");
  const items = [];
  for await (const item of parseInput("jira", csv, { source, links, linksName: "links.csv" })) items.push(item);
  assert.deepEqual(items.find((i) => i.record?.externalId === "VOLE-1")!.record!.duplicateOf, ["WREN-1"]);
  assert.deepEqual(items.filter((i) => i.link).map((i) => i.link), [
    { duplicateSource: source, duplicate: "9802", masterSource: source, master: "9801", line: 2, file: "links.csv" },
  ]);

  const s = await run("jira", csv, { source, links, linksName: "links.csv" });
  assert.deepEqual([s.errors, s.warnings, s.imported], [[], [], 3]);
  assert.deepEqual(s.links, { created: 2, existing: 0, unresolved: 0 });
  assert.deepEqual(await sourcesOf(["VOLE-1", "WREN-1", "WREN-2"]), { "VOLE-1": source, "WREN-1": source, "WREN-2": source });
  assert.deepEqual(await linkNames([source]), ["jira-one/VOLE-1->jira-one/WREN-1", "jira-one/WREN-2->jira-one/WREN-1"]);
});

// ------------------------------------------------------------------ CLI

const exec = promisify(execFile);
async function cli(args: string[], dbFile: string) {
  try {
    const r = await exec(process.execPath, ["--import", "tsx", "scripts/ingest.ts", ...args], {
      env: { ...process.env, DATABASE_URL: `file:${dbFile}` },
      cwd: path.resolve("."),
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

test("CLI: usage errors exit 2, partial rejects exit 0 with summary and warning, nothing usable exits 1", async () => {
  const db = path.join(dir, "cli.db");
  const untouched = path.join(dir, "cli-usage.db");
  // Independent runs in parallel: child processes dominate this test's time.
  const [noFile, badFormat, missing, partial, unusable] = await Promise.all([
    cli([], untouched),
    cli([path.join(FIX, "generic.jsonl"), "--format", "xml"], untouched),
    cli([path.join(dir, "nope.jsonl"), "--format", "jsonl"], untouched),
    cli([path.join(FIX, "generic-bad.jsonl"), "--format", "jsonl"], db),
    cli([path.join(FIX, "generic-bad.csv"), "--format", "jira"], path.join(dir, "cli2.db")),
  ]);
  assert.equal(noFile.code, 2);
  assert.match(noFile.stderr, /error: missing input file/);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /unknown format "xml" \(expected one of: bugzilla, github, jira, jsonl, csv\)/);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read input file .*nope\.jsonl: no such file/);
  assert.ok(!fs.existsSync(untouched), "no database touched on usage errors");

  assert.equal(partial.code, 0, partial.stderr);
  assert.match(partial.stdout, /imported\s+2\n/);
  assert.match(partial.stdout, /rejected\s+4\n/);
  assert.match(partial.stdout, /links\s+1 created, 0 existing, 0 unresolved/);
  assert.match(partial.stdout, /generic-bad\.jsonl:2: invalid JSON/);
  assert.match(partial.stdout, /generic-bad\.jsonl:4: createdAt: unrecognised date "not a date"/);
  assert.match(partial.stderr, /warning: 4 row\(s\) rejected/);

  assert.equal(unusable.code, 1);
  assert.match(unusable.stdout, /not a Jira CSV export/);
  assert.match(unusable.stderr, /error: no report in .* could be imported/);

  const rerun = await cli([path.join(FIX, "generic-bad.jsonl"), "--format=jsonl", "--no-migrate"], db);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stdout, /unchanged\s+2\n/);
  assert.match(rerun.stdout, /links\s+0 created, 1 existing/);
});
