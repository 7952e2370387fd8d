// The ANN graph beside the embedded index (lib/vector/ann.ts): exact filter semantics against brute force
// over random filters, recall against exact search, incremental updates seen across connections, the log
// checkpoint, per-generation files and the doctor's out-of-step check and repair.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { annBeam, annDirOf } from "@/lib/vector/ann";
import { startTsWorker, tsWorkerSource } from "@/lib/workers/ts-worker";
import type { IndexPoint, SearchFilter } from "@/lib/vector/types";
import { dot } from "@/lib/math";
import { near, rng } from "@/tests/unit/index-contract";

const DIMS = 24;
const N = 6000; // above the 4096-candidate pool, so a selective filter takes the exact fallback
const PRODUCTS = ["alpha", "beta", "gamma", "delta", "rare"];
const COMPONENTS = ["ui", "core", "net", null];
const STATUSES = ["open", "closed", "duplicate"];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ix-ann-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileN = 0;
const tmpFile = () => path.join(dir, `a${fileN++}.db`);

/** Points around 40 directions; "rare" product on 12 points only (1 in 500), so a rare filter is very selective. */
function corpus(n: number, seed: number): IndexPoint[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const id = i + 1;
    const product = id % 500 === 0 ? "rare" : PRODUCTS[Math.floor(r() * 4)]!;
    return {
      id,
      vector: near(Math.floor(r() * 40) % DIMS, DIMS, 0.6, r),
      meta: {
        product,
        component: COMPONENTS[Math.floor(r() * COMPONENTS.length)]!,
        status: STATUSES[Math.floor(r() * STATUSES.length)]!,
        createdAt: 1_700_000_000_000 + id * 1000,
      },
    };
  });
}

function matches(p: IndexPoint, f: SearchFilter): boolean {
  const one = (want: string | string[] | undefined, v: string | null | undefined) =>
    want === undefined || (Array.isArray(want) ? want.includes(v ?? "") : want === (v ?? ""));
  return (
    one(f.product, p.meta.product) &&
    one(f.component, p.meta.component) &&
    one(f.status, p.meta.status) &&
    (f.createdAfter === undefined || p.meta.createdAt > f.createdAfter) &&
    (f.createdBefore === undefined || p.meta.createdAt < f.createdBefore) &&
    !(f.excludeIds ?? []).includes(p.id)
  );
}

function bruteForce(points: IndexPoint[], q: Float32Array, k: number, f: SearchFilter): number[] {
  return points
    .filter((p) => matches(p, f))
    .map((p) => ({ id: p.id, s: dot(q, p.vector) }))
    .sort((a, b) => b.s - a.s || a.id - b.id)
    .slice(0, k)
    .map((h) => h.id);
}

function randomFilter(r: () => number, points: IndexPoint[]): SearchFilter {
  const f: SearchFilter = {};
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  if (r() < 0.5) f.product = r() < 0.3 ? [pick(PRODUCTS), pick(PRODUCTS)] : pick(PRODUCTS);
  if (r() < 0.3) f.component = pick(["ui", "core", "net"]);
  if (r() < 0.3) f.status = pick(STATUSES);
  if (r() < 0.2) f.createdAfter = 1_700_000_000_000 + Math.floor(r() * N) * 1000;
  if (r() < 0.2) f.createdBefore = 1_700_000_000_000 + Math.floor(r() * N) * 1000;
  if (r() < 0.4) f.excludeIds = Array.from({ length: 1 + Math.floor(r() * 20) }, () => pick(points).id);
  return f;
}

describe("ANN dense search keeps exact filter semantics", () => {
  const points = corpus(N, 11);
  let ann: SqliteVecIndex;
  let exact: SqliteVecIndex;
  before(async () => {
    const file = tmpFile();
    ann = new SqliteVecIndex({ path: file, dims: DIMS, ann: { minPoints: 100, quantization: "i8" } });
    for (let i = 0; i < N; i += 500) await ann.upsert(points.slice(i, i + 500));
    exact = new SqliteVecIndex({ path: file, dims: DIMS });
  });
  after(async () => {
    await ann.close();
    await exact.close();
  });

  it("answers through a graph file beside the database", async () => {
    await ann.search(points[0]!.vector, 5);
    const files = fs.readdirSync(annDirOf(ann.path));
    assert.equal(files.filter((f) => f.startsWith(`${ann.generation}-`) && f.endsWith(".usearch")).length, 1, files.join(","));
    const st = await ann.annStatus();
    assert.equal(st.active, true);
    assert.equal(st.graphPoints, N);
    assert.equal(st.inStep, true);
  });

  it("never returns a filtered-out point and never fewer than min(k, matching) over 300 random filters", async () => {
    const r = rng(5);
    let hits = 0;
    let wanted = 0;
    for (let t = 0; t < 300; t++) {
      const f = randomFilter(r, points);
      const k = [1, 5, 10, 30][t % 4]!;
      const q = near(Math.floor(r() * DIMS), DIMS, 0.6, r);
      const got = await ann.search(q, k, f);
      const truth = bruteForce(points, q, k, f);
      const matching = points.filter((p) => matches(p, f)).length;
      assert.equal(got.length, Math.min(k, matching), `filter ${JSON.stringify(f)} k=${k}: ${got.length} hits, ${matching} match`);
      const byId = new Map(points.map((p) => [p.id, p]));
      for (const h of got) {
        assert.ok(matches(byId.get(h.id)!, f), `hit ${h.id} violates filter ${JSON.stringify(f)}`);
        // scores are exact cosines (re-scored from the stored f32 vectors), not the graph's i8 estimate
        assert.ok(Math.abs(h.score - dot(q, byId.get(h.id)!.vector)) < 1e-5, `score of ${h.id}`);
      }
      for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]!.score >= got[i]!.score, "sorted best first");
      const want = new Set(truth);
      hits += got.filter((h) => want.has(h.id)).length;
      wanted += truth.length;
    }
    assert.ok(hits / wanted >= 0.95, `recall ${hits / wanted} over random filters`);
  });

  it("a filter matching only 12 points still returns all of them (exact fallback)", async () => {
    const rare = points.filter((p) => p.meta.product === "rare");
    assert.equal(rare.length, 12);
    const got = await ann.search(points[7]!.vector, 20, { product: "rare" });
    assert.deepEqual(got.map((h) => h.id).sort((a, b) => a - b), rare.map((p) => p.id));
    const some = await ann.search(points[7]!.vector, 5, { product: "rare", excludeIds: [rare[0]!.id] });
    assert.deepEqual(
      some.map((h) => h.id),
      bruteForce(points, points[7]!.vector, 5, { product: "rare", excludeIds: [rare[0]!.id] }),
    );
  });

  it("unfiltered recall@10 against the exact path is at least 0.98", async () => {
    const r = rng(9);
    let hits = 0;
    for (let t = 0; t < 100; t++) {
      const q = near(Math.floor(r() * DIMS), DIMS, 0.6, r);
      const want = new Set((await exact.search(q, 10)).map((h) => h.id));
      hits += (await ann.search(q, 10)).filter((h) => want.has(h.id)).length;
    }
    assert.ok(hits / 1000 >= 0.98, `recall@10 ${hits / 1000}`);
  });

  it("hybrid search uses the same dense side", async () => {
    const q = points[42]!.vector;
    const h = await ann.hybridSearch(q, "nothing matches this", 10, { product: "alpha" });
    assert.deepEqual(
      h.map((x) => x.id),
      (await ann.search(q, 10, { product: "alpha" })).map((x) => x.id),
    );
  });
});

describe("ANN search beam", () => {
  it("is flat up to 100k points, then grows with the graph (monotone), and never below the candidates wanted", () => {
    assert.equal(annBeam(10_000, 26), 128);
    assert.equal(annBeam(100_000, 26), 128);
    assert.equal(annBeam(100_000, 500), 500);
    const sizes = [100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000];
    const beams = sizes.map((n) => annBeam(n, 26));
    for (let i = 1; i < beams.length; i++) assert.ok(beams[i]! > beams[i - 1]!, `beam grows: ${beams.join(", ")}`);
    // At 1M (M = 32), recall@10 was 0.997 with 512 candidates and 0.950 with 128 (docs/ann.md).
    assert.ok(beams[3]! >= 500 && beams[3]! <= 600, `beam at 1M: ${beams[3]}`);
  });
});

describe("ANN graph follows writes", () => {
  it("sees upserts and deletes made through another connection (change log replay)", async () => {
    const file = tmpFile();
    const points = corpus(600, 3);
    const a = new SqliteVecIndex({ path: file, dims: DIMS, ann: { minPoints: 100, quantization: "f16" } });
    const b = new SqliteVecIndex({ path: file, dims: DIMS }); // an exact-only writer, e.g. a CLI with other settings
    try {
      await a.upsert(points);
      const q = points[10]!.vector;
      assert.equal((await a.search(q, 1))[0]!.id, 11);
      await b.delete([11]);
      assert.notEqual((await a.search(q, 1))[0]!.id, 11);
      const moved = { ...points[500]!, id: 9001, vector: q };
      await b.upsert([moved]);
      assert.deepEqual((await a.search(q, 1)).map((h) => h.id), [9001]);
      // moving an existing point: the graph must hold its new vector, not both
      await b.upsert([{ ...points[20]!, vector: q }]);
      const top = (await a.search(q, 2)).map((h) => h.id).sort((x, y) => x - y);
      assert.deepEqual(top, [21, 9001]);
      assert.equal((await a.annStatus()).inStep, true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("checkpoints: re-saves the file and trims the log; a reader behind the trim reloads", async () => {
    const file = tmpFile();
    const points = corpus(300, 4);
    const a = new SqliteVecIndex({ path: file, dims: DIMS, ann: { minPoints: 100, quantization: "f16" } });
    const reader = new SqliteVecIndex({ path: file, dims: DIMS, ann: { minPoints: 100, quantization: "f16" } });
    try {
      await a.upsert(points);
      await a.search(points[0]!.vector, 1);
      await reader.search(points[0]!.vector, 1); // loads the same graph
      const r = rng(8);
      // 21,000 rewrites of the same 300 ids: past the 20,000-entry checkpoint
      for (let round = 0; round < 70; round++) {
        await a.upsert(points.map((p) => ({ ...p, vector: near(Math.floor(r() * DIMS), DIMS, 0.6, r) })));
      }
      const gen = a.generation;
      const db = new Database(file, { readonly: true });
      const logRows = (db.prepare(`SELECT count(*) AS n FROM ix_annlog_${gen}`).get() as { n: number }).n;
      db.close();
      assert.ok(logRows < 20_000, `log trimmed (${logRows} rows left)`);
      const files = fs.readdirSync(annDirOf(file)).filter((f) => f.startsWith(gen));
      assert.equal(files.length, 1, files.join(","));
      const q = (await a.get(77))!.vector;
      assert.equal((await reader.search(q, 1))[0]!.id, 77);
      assert.equal((await reader.annStatus()).inStep, true);
    } finally {
      await a.close();
      await reader.close();
    }
  });

  it("a re-index builds the new generation's file before it goes live and drops the old one's", async () => {
    const file = tmpFile();
    const a = new SqliteVecIndex({ path: file, dims: DIMS, ann: { minPoints: 100, quantization: "f16" } });
    try {
      await a.upsert(corpus(300, 5));
      await a.search(corpus(1, 6)[0]!.vector, 3);
      const old = a.generation;
      const s = await a.beginReindex();
      await s.upsert(corpus(400, 7));
      await s.commit();
      const files = fs.readdirSync(annDirOf(file));
      assert.ok(files.some((f) => f.startsWith(`${s.generation}-`)), files.join(","));
      assert.ok(!files.some((f) => f.startsWith(`${old}-`)), files.join(","));
      assert.equal(await a.count(), 400);
      assert.equal((await a.annStatus()).graphPoints, 400);
    } finally {
      await a.close();
    }
  });

  it("below the switch point searches exactly and writes no file", async () => {
    const file = tmpFile();
    const a = new SqliteVecIndex({ path: file, dims: DIMS, ann: { minPoints: 1000, quantization: "f16" } });
    try {
      await a.upsert(corpus(300, 5));
      await a.search(corpus(1, 6)[0]!.vector, 3);
      assert.equal(fs.existsSync(annDirOf(file)), false);
      assert.equal((await a.annStatus()).active, false);
    } finally {
      await a.close();
    }
  });
});

describe("threads of one process (the server's check workers)", () => {
  it("loading a new generation at the same moment: every thread builds, saves and answers", async () => {
    const file = tmpFile();
    const points = corpus(3000, 21);
    const writer = new SqliteVecIndex({ path: file, dims: DIMS }); // exact: writes no graph file
    await writer.upsert(points);
    const THREADS = 3;
    const boot = tsWorkerSource("tests/unit/ann-thread-worker.ts", "ann thread test");
    const workers = Array.from({ length: THREADS }, () => startTsWorker(boot, { workerData: { file, dims: DIMS } }));
    try {
      for (let round = 0; round < 16; round++) {
        if (round > 0) {
          // A generation without a graph file: each thread builds and saves it at its next search.
          const s = await writer.beginReindex();
          await s.upsert(points);
          await s.commit();
        }
        // Slot 0 is the gate, slot 1 counts the threads waiting at it: all search at once.
        const barrier = new SharedArrayBuffer(8);
        const gate = new Int32Array(barrier);
        const target = points[(round * 997) % points.length]!;
        const answers = workers.map(
          (w) =>
            new Promise<{ id?: number | null; error?: string }>((resolve, reject) => {
              w.once("message", resolve);
              w.once("error", reject);
              w.postMessage({ query: [...target.vector], barrier });
            }),
        );
        while (Atomics.load(gate, 1) < THREADS) await new Promise((r) => setTimeout(r, 1));
        Atomics.store(gate, 0, 1);
        Atomics.notify(gate, 0);
        const got = await Promise.all(answers);
        assert.deepEqual(got, Array.from({ length: THREADS }, () => ({ id: target.id })), `round ${round}`);
        const names = fs.readdirSync(annDirOf(file));
        const graphs = names.filter((n) => n.endsWith(".usearch"));
        assert.ok(graphs.length === 1 && graphs[0]!.startsWith(`${writer.generation}-`), names.join(","));
        assert.deepEqual(names.filter((n) => n.includes(".tmp-")), [], "no temp file left");
      }
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
      await writer.close();
    }
  });
});

describe("doctor: graph out of step with the table", () => {
  it("is detected and rebuilt", async () => {
    const file = tmpFile();
    const points = corpus(400, 12);
    const a = new SqliteVecIndex({ path: file, dims: DIMS, ann: { minPoints: 100, quantization: "f16" } });
    try {
      await a.upsert(points);
      await a.search(points[0]!.vector, 1);
      const gen = a.generation;
      // A write that bypassed the change log (e.g. a restored backup of the database with a newer graph file).
      const db = new Database(file);
      sqliteVec.load(db);
      db.exec(`DELETE FROM ix_vec_${gen} WHERE id <= 5`);
      db.exec(`DELETE FROM ix_doc_${gen} WHERE id <= 5`);
      db.close();
      await a.close();
      const b = new SqliteVecIndex({ path: file, dims: DIMS, ann: { minPoints: 100, quantization: "f16" } });
      try {
        const st = await b.annStatus();
        assert.equal(st.inStep, false);
        assert.equal(st.extraCount, 5);
        const fixed = await b.rebuildAnn();
        assert.equal(fixed.inStep, true, JSON.stringify(fixed));
        assert.equal(fixed.graphPoints, 395);
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });
});
