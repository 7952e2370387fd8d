// End-to-end protocol + promotion gate on a small generated corpus in a real temp SQLite DB, with two real
// ONNX static models (helper-5's StaticEmbeddingModel writer) run through the real encoder and sqlite-vec.
//
// Corpus: 40 topics, each described by an "area" word (shared by ~13 topics, like a component name) and 3
// concept slots with 2 synonyms each. A duplicate uses the OTHER synonym of every slot, so lexically a
// duplicate shares only its area word with its master (+ random filler words).
//   "synonym" model: both synonyms of a slot share one vector  -> finds duplicates by meaning
//   "random"  model: every token its own random vector         -> only lexical overlap, like BM25
// Traps for the temporal filter: a later verbatim copy of a query (must never be ranked for it), and a copy
// filed in the same instant as a query with a higher id (ordered after it, so it must be excluded too).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { evaluateAndMaybePromote, evaluateModels, formatTable } from "@/lib/offline/eval/compare";
import { loadCorpus } from "@/lib/offline/eval/corpus";
import { before } from "@/lib/offline/eval/split";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { StaticEmbeddingModel, saveStaticModel } from "@/lib/offline/train/static-model";
import { mulberry32 } from "@/lib/offline/eval/metrics";

const TOKENIZER = path.resolve("assets/tokenizer/tokenizer.json");
const VOCAB = fs.readFileSync(path.resolve("assets/tokenizer/vocab.txt"), "utf8").split("\n");
const tokenId = new Map(VOCAB.map((w, i) => [w, i]));
const DIM = 24;
const HOUR = 3600_000;
const T0 = Date.UTC(2024, 0, 1);

// Plain lower-case whole-word vocabulary entries (each is one WordPiece token), deterministic order.
const WORDS = VOCAB.slice(2000, 9000).filter((w) => /^[a-z]{5,9}$/.test(w));
let wi = 0;
const take = () => WORDS[wi++]!;
const AREAS = [take(), take(), take()];
const FILLERS = Array.from({ length: 30 }, take);
const TOPICS = Array.from({ length: 40 }, (_, t) => ({
  area: AREAS[t % AREAS.length]!,
  slots: Array.from({ length: 3 }, () => [take(), take()] as [string, string]),
}));

interface Gen {
  key: string;
  title: string;
  description: string;
  createdAt: number;
  group?: number;
}

function text(topic: number, variant: 0 | 1, rand: () => number): { title: string; description: string } {
  const t = TOPICS[topic]!;
  const w = t.slots.map((s) => s[variant]);
  const fill = Array.from({ length: 4 }, () => FILLERS[Math.floor(rand() * FILLERS.length)]!);
  return { title: `${t.area} ${w[0]} ${w[1]}`, description: `${w.join(" ")} ${fill.join(" ")} ${t.area}` };
}

/** Reports in insertion (= id) order. Topics 0..19 get a duplicate, 20..39 stay single. */
function generate(): Gen[] {
  const rand = mulberry32(99);
  const out: Gen[] = [];
  for (let t = 0; t < 40; t++) out.push({ key: `m${t}`, ...text(t, 0, rand), createdAt: T0 + t * 10 * HOUR, group: t < 20 ? t : undefined });
  for (let t = 0; t < 20; t++) {
    // topic 0's duplicate is filed in the same instant as its master (tie -> ordered by id)
    const at = t === 0 ? T0 : T0 + (t * 10 + 25) * HOUR;
    out.push({ key: `d${t}`, ...text(t, 1, rand), createdAt: at, group: t });
  }
  // Verbatim copies of duplicates 1 and 2, filed later: they are in the group (queries of their own),
  // but must never be candidates for the earlier duplicate they copy.
  for (const t of [1, 2]) {
    const d = out.find((g) => g.key === `d${t}`)!;
    out.push({ key: `c${t}`, title: d.title, description: d.description, createdAt: d.createdAt + 100 * HOUR, group: t });
  }
  // Same-instant copy of duplicate 3 with a higher id and NOT in the group: excluded for d3 by the id tie-break.
  const d3 = out.find((g) => g.key === "d3")!;
  out.push({ key: "s3", title: d3.title, description: d3.description, createdAt: d3.createdAt });
  return out;
}

function writeModel(dir: string, synonyms: boolean): string {
  const V = VOCAB.length - (VOCAB[VOCAB.length - 1] === "" ? 1 : 0);
  const rand = mulberry32(synonyms ? 1 : 2);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const table = new Float32Array(V * DIM);
  for (let i = 0; i < table.length; i++) table[i] = gauss();
  if (synonyms) {
    for (const t of TOPICS) {
      for (const [a, b] of t.slots) {
        const ia = tokenId.get(a)!;
        const ib = tokenId.get(b)!;
        table.copyWithin(ib * DIM, ia * DIM, ia * DIM + DIM);
      }
    }
  }
  const special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((w) => tokenId.get(w)!);
  const model = new StaticEmbeddingModel({ vocabSize: V, dim: DIM, table, specialIds: special });
  return saveStaticModel(model, dir, { tokenizerJsonPath: TOKENIZER, maxSeqLength: 256 });
}

async function migrateTemp(url: string, file: string): Promise<void> {
  if (fs.existsSync(path.resolve("prisma/migrations"))) {
    const { migrate } = await import("@/lib/offline/migrate/runner");
    await migrate(url);
    return;
  }
  // No migration history in this checkout yet: create the same tables straight from the schema.
  const { diffSchemas } = await import("@/lib/offline/migrate/schema-engine");
  const { readSchema } = await import("@/lib/offline/migrate/schema-source");
  const sql = await diffSchemas("sqlite", null, readSchema("sqlite"));
  const db = new Database(file);
  db.exec(sql);
  db.close();
}

interface Fixture {
  dir: string;
  dbFile: string;
  prisma: PrismaClient;
  idOf: Map<string, number>;
  synonymDir: string;
  randomDir: string;
}

let fx: Fixture | undefined;

async function fixture(): Promise<Fixture> {
  if (fx) return fx;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eval-protocol-"));
  const dbFile = path.join(dir, "app.db");
  const url = `file:${dbFile}`;
  await migrateTemp(url, dbFile);
  const prisma = createPrisma(url);
  const idOf = new Map<string, number>();
  for (const g of generate()) {
    const r = await prisma.report.create({
      data: {
        source: "test",
        externalId: g.key,
        title: g.title,
        description: g.description,
        createdAt: new Date(g.createdAt),
        updatedAt: new Date(g.createdAt),
        contentHash: g.key,
      },
    });
    idOf.set(g.key, r.id);
  }
  for (let t = 0; t < 20; t++) {
    await prisma.duplicateLink.create({ data: { duplicateId: idOf.get(`d${t}`)!, masterId: idOf.get(`m${t}`)!, origin: "imported" } });
  }
  for (const t of [1, 2]) {
    await prisma.duplicateLink.create({ data: { duplicateId: idOf.get(`c${t}`)!, masterId: idOf.get(`d${t}`)!, origin: "triager" } });
  }
  fx = {
    dir,
    dbFile,
    prisma,
    idOf,
    synonymDir: writeModel(path.join(dir, "synonym"), true),
    randomDir: writeModel(path.join(dir, "random"), false),
  };
  return fx;
}

test.after(async () => {
  if (!fx) return;
  await fx.prisma.$disconnect();
  fs.rmSync(fx.dir, { recursive: true, force: true });
});

test("protocol ranks only reports filed before each query and leaves the live index alone", async () => {
  const f = await fixture();
  // A live index in the app DB file (as the app keeps it): evaluation must not touch it.
  const live = new SqliteVecIndex({ path: f.dbFile, dims: 2 });
  await live.upsert([{ id: f.idOf.get("m0")!, vector: Float32Array.of(1, 0), meta: { createdAt: T0 } }]);
  const liveGen = live.generation;
  const evalTmp = path.join(f.dir, "evaltmp");
  fs.mkdirSync(evalTmp);

  const { table, results, split } = await evaluateModels(f.prisma, {
    models: [{ name: "synonym", dir: f.synonymDir }],
    split: { kind: "all" },
    keepTop: 100,
    tmpDir: evalTmp,
    modelRankers: ["dense", "hybrid", "rerank"],
  });
  // 20 duplicates + 2 later copies are queries; the masters and s3 are not.
  assert.equal(table.queries, 22);
  assert.deepEqual(
    table.rows.map((r) => r.ranker),
    ["bm25", "dense:synonym", "hybrid:synonym", "rerank:synonym"],
  );

  const corpus = await loadCorpus(f.prisma);
  const byId = new Map(corpus.reports.map((r) => [r.id, r]));
  let checked = 0;
  for (const res of results) {
    for (const q of split.queries) {
      const ranked = res.rankings![q.queryId]!;
      const qr = byId.get(q.queryId)!;
      for (const id of ranked) {
        assert.ok(before(byId.get(id)!, qr), `${res.ranker}: candidate ${id} is not before query ${q.queryId}`);
        checked++;
      }
    }
    // The traps: d1's later verbatim copy c1, and s3 (same instant as d3, higher id) never show up for them.
    assert.ok(!res.rankings![f.idOf.get("d1")!]!.includes(f.idOf.get("c1")!), `${res.ranker} ranked a later copy`);
    assert.ok(!res.rankings![f.idOf.get("d3")!]!.includes(f.idOf.get("s3")!), `${res.ranker} ranked a same-instant later id`);
    // d0 was filed in the same instant as m0 but after it (lower id first): m0 is a valid candidate.
    assert.deepEqual(split.queries.find((q) => q.queryId === f.idOf.get("d0"))!.relevant, [f.idOf.get("m0")!]);
  }
  assert.ok(checked > 1000, `only ${checked} candidates checked`);
  // c1's relevant set is the whole earlier group (transitive closure m1 <- d1 <- c1).
  assert.deepEqual(
    split.queries.find((q) => q.queryId === f.idOf.get("c1"))!.relevant,
    [f.idOf.get("m1")!, f.idOf.get("d1")!],
  );
  // The synonym-aware model finds duplicates that share almost no words: it must beat BM25 here.
  const bm25 = table.rows.find((r) => r.kind === "bm25")!;
  const dense = table.rows.find((r) => r.kind === "dense")!;
  assert.ok(dense.mrr > bm25.mrr, `dense MRR ${dense.mrr} should beat BM25 ${bm25.mrr}\n${formatTable(table)}`);

  // Temp indexes are gone, the live index is as it was.
  assert.deepEqual(fs.readdirSync(evalTmp), []);
  assert.equal(live.generation, liveGen);
  assert.deepEqual(await live.ids(), [f.idOf.get("m0")!]);
  await live.close();
});

test("promotion gate: a better candidate becomes the one active model, a worse one stays inactive", async () => {
  const f = await fixture();
  const p = f.prisma;
  const worse = await p.modelVersion.create({
    data: { name: "random-v1", path: f.randomDir, kind: "static", dims: DIM, pooling: "mean", active: true },
  });
  const better = await p.modelVersion.create({
    data: { name: "synonym-v1", path: f.synonymDir, kind: "static", dims: DIM, pooling: "mean" },
  });
  const opts = { split: { kind: "all" as const }, tmpDir: f.dir, activation: "flag" as const };

  const up = await evaluateAndMaybePromote(p, better.id, opts);
  assert.equal(up.decision, "promoted", up.reason + "\n" + formatTable(up.table));
  assert.equal(up.reindexJob, undefined);
  let active = await p.modelVersion.findMany({ where: { active: true } });
  assert.deepEqual(active.map((m) => m.id), [better.id]);
  const stored = JSON.parse((await p.modelVersion.findUniqueOrThrow({ where: { id: better.id } })).metrics!);
  assert.equal(stored.queries, 22);
  assert.equal(stored.gate.decision, "promoted");
  assert.ok(stored.hybrid.recall["10"] >= 0 && typeof stored.hybrid.mrr === "number");
  assert.equal(stored.rerank.ranker, "rerank:synonym-v1");
  const storedWorse = JSON.parse((await p.modelVersion.findUniqueOrThrow({ where: { id: worse.id } })).metrics!);
  assert.equal(storedWorse.gate.role, "active");
  // The decision followed the numbers: hybrid R@10, then MRR.
  const h = (name: string) => up.table.rows.find((r) => r.ranker === `hybrid:${name}`)!;
  const [c, a] = [h("synonym-v1"), h("random-v1")];
  assert.ok(c.recall[10]! > a.recall[10]! || (c.recall[10] === a.recall[10] && c.mrr > a.mrr));

  // A second copy of the worse model as candidate against the (now active) better one: kept inactive.
  const worse2 = await p.modelVersion.create({
    data: { name: "random-v2", path: f.randomDir, kind: "static", dims: DIM, pooling: "mean" },
  });
  const down = await evaluateAndMaybePromote(p, worse2.id, opts);
  assert.equal(down.decision, "kept-inactive", down.reason);
  active = await p.modelVersion.findMany({ where: { active: true } });
  assert.deepEqual(active.map((m) => m.id), [better.id]);
  const w2 = await p.modelVersion.findUniqueOrThrow({ where: { id: worse2.id } });
  assert.equal(w2.active, false);
  assert.equal(JSON.parse(w2.metrics!).gate.decision, "kept-inactive");
  assert.ok(down.difference && down.difference.diff <= 0);
});

test("promotion gate refuses an unknown model version and a DB with two active models", async () => {
  const f = await fixture();
  await assert.rejects(evaluateAndMaybePromote(f.prisma, 99999), /ModelVersion 99999 does not exist/);
  // Two active rows (the invariant is broken): the gate must refuse rather than pick one.
  const extras = [];
  for (const name of ["bogus-active-1", "bogus-active-2"]) {
    extras.push(
      await f.prisma.modelVersion.create({
        data: { name, path: f.randomDir, kind: "static", dims: DIM, pooling: "mean", active: true },
      }),
    );
  }
  try {
    await assert.rejects(evaluateAndMaybePromote(f.prisma, extras[0]!.id), /ModelVersions are active/);
  } finally {
    await f.prisma.modelVersion.updateMany({ where: { id: { in: extras.map((m) => m.id) } }, data: { active: false } });
  }
});

test("reindex activation: the winner goes live through the app's reindex job, which flips the flag at commit", async () => {
  const f = await fixture();
  const p = f.prisma;
  // The reindex job's services are built from the configuration (DATABASE_URL): point it at the fixture DB.
  process.env.DATABASE_URL = `file:${f.dbFile}`;
  const { resetConfig } = await import("@/lib/config");
  resetConfig();
  try {
    await p.modelVersion.updateMany({ data: { active: false } });
    const worse = await p.modelVersion.create({
      data: { name: "random-live", path: f.randomDir, kind: "static", dims: DIM, pooling: "mean", active: true },
    });
    const cand = await p.modelVersion.create({
      data: { name: "synonym-live", path: f.synonymDir, kind: "static", dims: DIM, pooling: "mean" },
    });
    const res = await evaluateAndMaybePromote(p, cand.id, { split: { kind: "all" }, tmpDir: f.dir, waitForReindex: true });
    assert.equal(res.decision, "promoted", res.reason);
    assert.equal(res.activation, "reindex");
    assert.equal(res.reindexJob?.state, "succeeded", res.reindexJob?.error ?? "");
    const active = await p.modelVersion.findMany({ where: { active: true } });
    assert.deepEqual(active.map((m) => m.id), [cand.id]);
    assert.notEqual(worse.id, cand.id);
    // The live index now holds the candidate's vectors for every report.
    const live = new SqliteVecIndex({ path: f.dbFile, dims: DIM });
    assert.equal(live.dims, DIM);
    assert.equal(await live.count(), await p.report.count());
    await live.close();
  } finally {
    delete process.env.DATABASE_URL;
    resetConfig();
  }
});
