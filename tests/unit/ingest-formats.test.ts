// Parsers for every import format, on fixture files in tests/fixtures/ingest/, plus the
// committed demo corpus. Malformed fixtures must report the right line numbers and still
// import their good rows into a real (temporary, migrated) SQLite database.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "@/lib/offline/migrate/runner";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { parseInput, type ParseOptions } from "@/lib/ingest/formats";
import { importRecords } from "@/lib/ingest/import";
import { readCsv } from "@/lib/ingest/csv";
import { jsonArrayElements } from "@/lib/ingest/json-array";
import { parseDate } from "@/lib/ingest/dates";
import { duplicateRefs } from "@/lib/ingest/github";
import { parseMapping } from "@/lib/ingest/generic";
import { type ParseItem, type Format } from "@/lib/ingest/types";
import { buildCorpus } from "@/scripts/make-demo-corpus";

const FIX = path.resolve("tests/fixtures/ingest");
const fixture = (name: string) => path.join(FIX, name);

let dir: string;
let prisma: PrismaClient;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-ingest-formats-"));
  const url = `file:${path.join(dir, "test.db")}`;
  await migrate(url);
  prisma = createPrisma(url);
});

after(async () => {
  await prisma?.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Streams the file in tiny chunks so chunk-boundary handling is exercised too. */
async function parseFile(format: Format, name: string, opts: ParseOptions = {}, highWaterMark = 7): Promise<ParseItem[]> {
  const out: ParseItem[] = [];
  for await (const it of parseInput(format, fs.createReadStream(fixture(name), { highWaterMark }), opts)) out.push(it);
  return out;
}

const records = (items: ParseItem[]) => items.filter((i) => i.record).map((i) => i.record!);
const errors = (items: ParseItem[]) => items.filter((i) => i.error !== undefined).map((i) => ({ line: i.line, error: i.error! }));

// ------------------------------------------------------------------ low-level readers

test("CSV reader: quoted newlines, escaped quotes, CRLF, blank lines, 1-char chunks", async () => {
  const text = 'a,b,c\r\n1,"x, ""y""\r\nz",3\r\n\r\n"",,"end"\n4,5,6';
  const one = async (chunks: Iterable<string>) => {
    const rows = [];
    for await (const r of readCsv(chunks)) rows.push(r);
    return rows;
  };
  const whole = await one([text]);
  const tiny = await one(text.split(""));
  for (const rows of [whole, tiny]) {
    assert.deepEqual(rows.map((r) => r.fields), [
      ["a", "b", "c"],
      ["1", 'x, "y"\r\nz', "3"],
      ["", "", "end"],
      ["4", "5", "6"],
    ]);
    assert.deepEqual(rows.map((r) => r.line), [1, 2, 5, 6]);
  }
  const bad = await one(['h\n"never closed\nmore']);
  assert.equal(bad.length, 2);
  assert.match(bad[1]!.error!, /unterminated quoted field .*line 2/);
});

test("JSON array scanner: element lines, strings with brackets, concatenated pages, truncation", async () => {
  const text = '[\n {"a": "]},[", "b": "\\"q\\""},\n 2,\n [1, [2]]\n]\n[{"p": 2}]';
  const els = [];
  for await (const e of jsonArrayElements(text.split(""), null)) els.push(e);
  assert.deepEqual(els.map((e) => e.value), [{ a: "]},[", b: '"q"' }, 2, [1, [2]], { p: 2 }]);
  assert.deepEqual(els.map((e) => e.line), [2, 3, 4, 6]);

  const keyed = [];
  for await (const e of jsonArrayElements('{"total": 2, "faults": [], "nested": {"bugs": 1}, "bugs": [{"id": 1}, {"id": 2}]}', "bugs")) keyed.push(e);
  assert.deepEqual(keyed.map((e) => e.value), [{ id: 1 }, { id: 2 }]);

  const trunc = [];
  for await (const e of jsonArrayElements('[{"id": 1},\n{"id": 2, "t": "x', null)) trunc.push(e);
  assert.equal(trunc.length, 2);
  assert.match(trunc[1]!.error!, /record 2: input ends inside this record/);
  assert.equal(trunc[1]!.line, 2);

  const wrong = [];
  for await (const e of jsonArrayElements('{"issues": []}', null)) wrong.push(e);
  assert.match(wrong[0]!.error!, /expected a JSON array/);
  const nokey = [];
  for await (const e of jsonArrayElements('{"faults": []}', "bugs")) nokey.push(e);
  assert.match(nokey[0]!.error!, /no "bugs" array/);
});

test("dates: ISO with and without zone, Jira 24h and AM/PM, epochs; impossible dates rejected", () => {
  assert.equal(parseDate("2021-09-30T17:20:00+02:00").toISOString(), "2021-09-30T15:20:00.000Z");
  assert.equal(parseDate("2021-09-30T17:20:00+0200").toISOString(), "2021-09-30T15:20:00.000Z");
  assert.equal(parseDate("2021-09-30 17:20").toISOString(), "2021-09-30T17:20:00.000Z");
  assert.equal(parseDate("2021-09-30").toISOString(), "2021-09-30T00:00:00.000Z");
  assert.equal(parseDate("30/Sep/21 17:20").toISOString(), "2021-09-30T17:20:00.000Z");
  assert.equal(parseDate("07/Feb/22 8:41 PM").toISOString(), "2022-02-07T20:41:00.000Z");
  assert.equal(parseDate("07/Feb/22 12:05 AM").toISOString(), "2022-02-07T00:05:00.000Z");
  assert.equal(parseDate(1700000000).toISOString(), "2023-11-14T22:13:20.000Z");
  assert.equal(parseDate("1700000000000").toISOString(), "2023-11-14T22:13:20.000Z");
  for (const bad of ["2021-02-30", "31/Feb/23 10:00", "2024-13-45T00:00:00Z", "yesterday", "", "2024/07/03"]) {
    assert.throws(() => parseDate(bad), /date/, bad);
  }
});

test("GitHub duplicate references: strict marker always, loose wording only with a duplicate label", () => {
  assert.deepEqual(duplicateRefs("Thanks!\nDuplicate of #12", "o/r", false), ["12"]);
  assert.deepEqual(duplicateRefs("> duplicate of https://github.com/O/R/issues/7", "o/r", false), ["7"]);
  assert.deepEqual(duplicateRefs("Duplicate of other/repo#7", "o/r", false), []);
  assert.deepEqual(duplicateRefs("this is the same as #3", "o/r", false), []);
  assert.deepEqual(duplicateRefs("this is the same as #3", "o/r", true), ["3"]);
  assert.deepEqual(duplicateRefs("see #3 for context", "o/r", true), []);
});

test("--map parsing: snake_case names, unknown fields and bad pairs are errors", () => {
  assert.deepEqual(parseMapping("title=summary, created_at=opened,reporter=user.login"), {
    title: "summary", createdAt: "opened", reporter: "user.login",
  });
  assert.throws(() => parseMapping("titel=summary"), /unknown field "titel"/);
  assert.throws(() => parseMapping("title"), /expected field=column/);
});

// ------------------------------------------------------------------ formats

test("bugzilla: fields, platform/op_sys, description from comment 0, dupe_of, URLs", async () => {
  const items = await parseFile("bugzilla", "bugzilla.json", { source: "bugzilla:bugzilla.example.org" });
  assert.deepEqual(errors(items), []);
  const [a, b, c] = records(items);
  assert.equal(records(items).length, 3);
  assert.equal(a!.externalId, "48211");
  assert.equal(a!.source, "bugzilla:bugzilla.example.org");
  assert.equal(a!.url, "https://bugzilla.example.org/show_bug.cgi?id=48211");
  assert.equal(a!.platform, "x86_64 / Windows 11");
  assert.equal(a!.version, "118 Branch");
  assert.equal(a!.reporter, "mara.k@example.org");
  assert.equal(a!.createdAt.toISOString(), "2023-05-02T09:14:51.000Z");
  assert.match(a!.description, /^Steps to reproduce:\n1\. Open a site/);
  assert.equal(a!.duplicateOf, undefined);
  // Comments out of order: comment with count 0 is the description; CRLF normalised.
  assert.equal(b!.description, "Every time I clear the cache with a few tabs open the tab with the SVG favicon dies.\n\nCrash signature: nsImageLoader::OnFrameUpdate");
  assert.deepEqual(b!.duplicateOf, ["48211"]);
  assert.equal(b!.platform, undefined, "All/Unspecified are placeholders");
  assert.equal(c!.version, undefined, "'unspecified' version dropped");
  assert.equal(c!.description, "");
  assert.deepEqual(items.map((i) => i.line), [4, 21, 40]);
});

test("github: source from html_url, PRs skipped, duplicate markers in body, comments and loose wording", async () => {
  const items = await parseFile("github", "github.json");
  assert.deepEqual(errors(items), []);
  const recs = records(items);
  assert.deepEqual(recs.map((r) => r.externalId), ["101", "117", "123", "130"]);
  assert.ok(recs.every((r) => r.source === "github:lanternfish/tidepool"));
  assert.equal(items.filter((i) => i.skipped).length, 1);
  const byId = Object.fromEntries(recs.map((r) => [r.externalId, r]));
  assert.equal(byId["101"]!.component, "watcher");
  assert.equal(byId["101"]!.reporter, "okonkwo");
  assert.equal(byId["101"]!.url, "https://github.com/lanternfish/tidepool/issues/101");
  assert.equal(byId["101"]!.status, "open");
  assert.deepEqual(byId["117"]!.duplicateOf, ["101"], "duplicate label + 'same as #101' in a comment");
  assert.deepEqual(byId["123"]!.duplicateOf, ["101"], "'Duplicate of #101' line in the body");
  assert.equal(byId["123"]!.resolution, "duplicate");
  assert.equal(byId["130"]!.duplicateOf, undefined, "a mention is not a duplicate marker");
  assert.equal(byId["130"]!.platform, "windows");

  const forced = records(await parseFile("github", "github.json", { source: "github:mirror/tidepool" }));
  assert.ok(forced.every((r) => r.source === "github:mirror/tidepool"));
});

test("jira: multi-line quoted descriptions, repeated columns, Jira dates, link columns, links file", async () => {
  const items = await parseFile("jira", "jira.csv", { links: fs.createReadStream(fixture("jira-links.csv")), linksName: "jira-links.csv" });
  assert.deepEqual(errors(items), []);
  const recs = records(items);
  assert.deepEqual(recs.map((r) => r.externalId), ["KEEL-412", "KEEL-418", "KEEL-430", "KEEL-455"]);
  assert.deepEqual(items.filter((i) => i.record).map((i) => i.line), [2, 10, 15, 17]);
  const [a, b, c, d] = recs;
  assert.equal(a!.source, "jira:KEEL");
  assert.equal(a!.product, "Keel Storage");
  assert.equal(a!.title, 'NameNode UI shows negative "Blocks pending deletion" after failover');
  assert.match(a!.description, /reports a negative number under "Blocks pending deletion"\.\n\nSteps:\n1\. Start an HA pair/);
  assert.equal(a!.version, "2.4.0, 2.4.1");
  assert.deepEqual(a!.aliases, ["70001"]);
  assert.deepEqual(a!.duplicatedBy, ["KEEL-430"], "inward Duplicate link");
  assert.equal(a!.createdAt.toISOString(), "2022-02-03T10:15:00.000Z");
  assert.equal(a!.updatedAt.toISOString(), "2022-03-14T09:02:00.000Z");
  assert.equal(b!.createdAt.toISOString(), "2022-02-07T20:41:00.000Z", "12-hour Jira date");
  assert.equal(c!.title, "Pending deletion counter goes below zero, after HA switch");
  assert.deepEqual(c!.duplicateOf, ["KEEL-412"], "outward Duplicate link");
  assert.equal(c!.component, "namenode, web ui");
  assert.equal(d!.description, "");
  const links = items.filter((i) => i.link).map((i) => i.link!);
  assert.deepEqual(links, [{ duplicateSource: "jira:KEEL", duplicate: "70042", masterSource: "jira:KEEL", master: "70007", line: 2, file: "jira-links.csv" }]);

  // Importing resolves the links file's numeric ids through the key aliases.
  const s = await importRecords(prisma, parseInput("jira", fs.createReadStream(fixture("jira.csv")), {
    links: fs.createReadStream(fixture("jira-links.csv")), linksName: "jira-links.csv",
  }), { recordJob: false });
  assert.equal(s.imported, 4);
  assert.deepEqual(s.links, { created: 2, existing: 0, unresolved: 0 });
  const pairs = await prisma.duplicateLink.findMany({ include: { duplicate: true, master: true } });
  const names = pairs.filter((p) => p.duplicate.source === "jira:KEEL").map((p) => `${p.duplicate.externalId}->${p.master.externalId}`).sort();
  assert.deepEqual(names, ["KEEL-430->KEEL-412", "KEEL-455->KEEL-418"]);
});

test("jira: a file without Summary / id columns is rejected as a whole with a clear message", async () => {
  const items = await parseFile("jira", "generic-bad.csv");
  assert.equal(items.length, 1);
  assert.match(items[0]!.error!, /not a Jira CSV export/);
});

test("generic JSONL: our field names, snake_case aliases, blank lines keep line numbers", async () => {
  const items = await parseFile("jsonl", "generic.jsonl");
  assert.deepEqual(errors(items), []);
  const recs = records(items);
  assert.deepEqual(items.map((i) => i.line), [1, 3, 4]);
  assert.deepEqual(recs.map((r) => r.externalId), ["ACME-1", "ACME-2", "3"]);
  assert.equal(recs[0]!.platform, "macOS 14");
  assert.equal(recs[1]!.title, "PDF export ignores custom font");
  assert.equal(recs[1]!.description, "My custom typeface is replaced in the PDF.");
  assert.deepEqual(recs[1]!.duplicateOf, ["ACME-1"]);
  assert.equal(recs[1]!.updatedAt.getTime(), recs[1]!.createdAt.getTime(), "updatedAt defaults to createdAt");
  assert.equal(recs[2]!.createdAt.toISOString(), "2024-04-05T00:00:00.000Z");
});

test("generic JSONL with --map: dotted paths into nested objects; --source overrides", async () => {
  const map = parseMapping("externalId=key,title=headline,description=details.text,createdAt=opened,reporter=who.login");
  const [r] = records(await parseFile("jsonl", "mapped.jsonl", { source: "mapped", map }));
  assert.equal(r!.source, "mapped");
  assert.equal(r!.externalId, "M-1");
  assert.equal(r!.description, "Nested body");
  assert.equal(r!.reporter, "zed");
  const noSource = await parseFile("jsonl", "mapped.jsonl", { map });
  assert.match(noSource[0]!.error!, /missing source/);
});

test("generic CSV: default column names, multi-line fields, duplicate_of; bad --map column named", async () => {
  const items = await parseFile("csv", "generic.csv", { source: "weatherly" });
  assert.deepEqual(errors(items), []);
  const recs = records(items);
  assert.deepEqual(items.map((i) => i.line), [2, 4, 5]);
  assert.equal(recs[0]!.description, "After midnight the widget keeps yesterday's high/low until the app is opened.\nSeen on Android 14.");
  assert.equal(recs[1]!.title, "Home screen widget stuck on previous day");
  assert.deepEqual(recs[1]!.duplicateOf, ["WX-10"]);
  const bad = await parseFile("csv", "generic.csv", { source: "w", map: parseMapping("title=headline") });
  assert.equal(bad.length, 1);
  assert.match(bad[0]!.error!, /--map names columns that are not in the header: title=headline/);
});

// ------------------------------------------------------------------ malformed files

const MALFORMED: { format: Format; file: string; opts?: ParseOptions; good: string[]; bad: [number, RegExp][] }[] = [
  {
    format: "bugzilla", file: "bugzilla-bad.json", opts: { source: "bad-bugzilla" }, good: ["1", "5"],
    bad: [[4, /record 2: invalid JSON/], [5, /record 3: missing title/], [6, /record 4: createdAt: unrecognised date "yesterday-ish"/]],
  },
  {
    format: "github", file: "github-bad.json", opts: { source: "bad-github" }, good: ["1", "5"],
    bad: [[4, /record 2: invalid JSON/], [5, /record 3: missing title/], [7, /record 4: createdAt: invalid date "2024-13-45T00:00:00Z"/]],
  },
  {
    format: "jira", file: "jira-bad.csv", opts: { source: "bad-jira" }, good: ["81001", "81004"],
    bad: [[4, /missing title \(id "81002"\)/], [5, /createdAt: invalid date "31\/Feb\/23 10:00"/], [7, /unterminated quoted field/]],
  },
  {
    format: "jsonl", file: "generic-bad.jsonl", opts: { source: "bad-jsonl" }, good: ["B-1", "B-6"],
    bad: [[2, /invalid JSON/], [3, /missing title/], [4, /unrecognised date "not a date"/], [5, /expected a JSON object/]],
  },
  {
    format: "csv", file: "generic-bad.csv", opts: { source: "bad-csv" }, good: ["C-1", "C-5"],
    bad: [[3, /missing title/], [4, /unrecognised date "2024\/07\/03"/], [5, /row has 4 fields, header has 3/]],
  },
];

for (const m of MALFORMED) {
  test(`${m.format}: malformed file reports line numbers and still imports the good rows`, async () => {
    const items = await parseFile(m.format, m.file, m.opts);
    const errs = errors(items);
    assert.equal(errs.length, m.bad.length, JSON.stringify(errs));
    m.bad.forEach(([line, re], i) => {
      assert.equal(errs[i]!.line, line, `error ${i} line`);
      assert.match(errs[i]!.error, re);
    });
    assert.deepEqual(records(items).map((r) => r.externalId), m.good);

    const s = await importRecords(prisma, parseInput(m.format, fs.createReadStream(fixture(m.file)), m.opts), { recordJob: false });
    assert.equal(s.imported, m.good.length);
    assert.equal(s.rejected, m.bad.length);
    assert.deepEqual(s.errors.map((e) => e.line), m.bad.map(([l]) => l));
    const rows = await prisma.report.findMany({ where: { source: m.opts!.source! }, orderBy: { id: "asc" } });
    assert.deepEqual(rows.map((r) => r.externalId), m.good);
  });
}

// ------------------------------------------------------------------ demo corpus

test("demo corpus: committed file is what the generator writes, parses cleanly, has 40-60 groups", async () => {
  const file = path.resolve("data/demo/reports.jsonl");
  const { reports, planted } = buildCorpus();
  assert.equal(fs.readFileSync(file, "utf8"), reports.map((r) => JSON.stringify(r)).join("\n") + "\n",
    "data/demo/reports.jsonl is stale: run npm run demo:make");
  assert.deepEqual(JSON.parse(fs.readFileSync("data/demo/planted.json", "utf8")), planted);

  const items: ParseItem[] = [];
  for await (const it of parseInput("jsonl", fs.createReadStream(file))) items.push(it);
  assert.deepEqual(errors(items), []);
  const recs = records(items);
  assert.ok(recs.length >= 300 && recs.length <= 400, `${recs.length} reports`);
  assert.ok(recs.every((r) => r.source === "demo"));
  assert.equal(new Set(recs.map((r) => r.title)).size, recs.length, "titles are unique");

  const byId = new Map(recs.map((r) => [r.externalId, r]));
  const groups = new Map<string, string[]>();
  for (const r of recs) {
    if (!r.duplicateOf) continue;
    assert.equal(r.duplicateOf.length, 1);
    const master = byId.get(r.duplicateOf[0]!);
    assert.ok(master, `${r.externalId} -> missing master`);
    assert.equal(master!.duplicateOf, undefined, "masters are not duplicates themselves");
    assert.ok(master!.createdAt < r.createdAt, "master is the earliest report of its group");
    assert.equal(master!.product, r.product);
    groups.set(master!.externalId, [...(groups.get(master!.externalId) ?? []), r.externalId]);
  }
  assert.ok(groups.size >= 40 && groups.size <= 60, `${groups.size} groups`);
  for (const [m, dups] of groups) assert.ok(dups.length >= 1 && dups.length <= 3, `group ${m} has ${dups.length + 1} reports`);
  const years = new Set(recs.map((r) => r.createdAt.getUTCFullYear()));
  assert.ok(years.size >= 3, "spread over ~3 years");

  assert.ok(planted.length >= 3);
  for (const p of planted) {
    assert.ok(groups.has(p.duplicateOf), `planted draft points at group master ${p.duplicateOf}`);
    assert.ok(!recs.some((r) => r.title === p.title), "planted drafts are not in the corpus");
  }
});
