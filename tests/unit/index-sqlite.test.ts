// sqlite-vec backend: the shared contract suite on a temp SQLite file, plus what only this backend has:
// the sqlite-vec 0.1.9 behaviours we rely on, table naming inside the app's database file, generation
// switches seen from another connection (worker thread), crash/resume/cleanup across instances.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { SqliteVecIndex, VEC0_MAX_K } from "@/lib/vector/sqlite-vec";
import type { IndexPoint } from "@/lib/vector/types";
import { basis, near, rng, runVectorIndexContract } from "@/tests/unit/index-contract";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ix-sqlite-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmpFile = () => path.join(dir, `t${n++}.db`);

runVectorIndexContract("sqlite-vec", async (dims) => new SqliteVecIndex({ path: tmpFile(), dims }));
// The same contract with every dense query going through the ANN graph (switch point 1 point).
runVectorIndexContract("sqlite-vec + ANN", async (dims) => new SqliteVecIndex({ path: tmpFile(), dims, ann: { minPoints: 1, quantization: "f16" } }));

const f32 = (a: number[]) => Buffer.from(new Float32Array(a).buffer);
const pt = (id: number, vector: Float32Array, product: string, word: string): IndexPoint => ({
  id,
  vector,
  meta: { product, createdAt: id },
  text: { title: `common ${word}`, body: `report ${id}` },
});

describe("sqlite-vec 0.1.9 behaviour this backend relies on", () => {
  const db = new Database(":memory:");
  sqliteVec.load(db);
  after(() => db.close());
  db.exec(
    "CREATE VIRTUAL TABLE v USING vec0(id INTEGER PRIMARY KEY, embedding float[2] distance_metric=cosine, product TEXT, created_at INTEGER)",
  );
  const ins = db.prepare("INSERT INTO v (id, embedding, product, created_at) VALUES (?, ?, ?, ?)");
  for (let i = 1; i <= 100; i++) ins.run(BigInt(i), f32([1, i / 100]), i >= 99 ? `rare${i}` : "common", BigInt(i));
  const q = f32([1, 0]);
  const knn = (where: string, k: number, ...params: unknown[]) =>
    (db.prepare(`SELECT id FROM v WHERE embedding MATCH ? AND k = ?${where} ORDER BY distance`).all(q, k, ...params) as { id: number }[]).map(
      (r) => r.id,
    );

  it("is version 0.1.9 with cosine distance", () => {
    assert.equal((db.prepare("SELECT vec_version() AS v").get() as { v: string }).v, "v0.1.9");
    assert.deepEqual(knn("", 2), [1, 2]);
  });
  it("applies metadata =, IN (json_each), ranges BEFORE the top-k", () => {
    assert.deepEqual(knn(" AND product = ?", 1, "rare100"), [100]);
    assert.deepEqual(knn(" AND product IN (SELECT value FROM json_each(?))", 1, '["rare99","rare100"]'), [99]);
    assert.deepEqual(knn(" AND created_at > ? AND created_at < ?", 2, 50n, 60n), [51, 52]);
    assert.deepEqual(knn(" AND product != ?", 1, "common"), [99]);
  });
  it("applies id NOT IN AFTER the top-k (hence excludeIds over-fetches)", () => {
    assert.deepEqual(knn(" AND id NOT IN (SELECT value FROM json_each(?))", 1, "[1]"), []);
  });
  it("rejects NULL in TEXT metadata, IS NULL in KNN, k > 4096, and float integers", () => {
    assert.throws(() => ins.run(200n, f32([1, 1]), null, 1n), /Expected text/);
    assert.throws(() => knn(" AND product IS NULL", 1), /illegal WHERE constraint/);
    assert.throws(() => knn("", VEC0_MAX_K + 1), /k value in knn query too large/);
    assert.throws(() => ins.run(201, f32([1, 1]), "x", 1n), /integers/);
  });
});

describe("sqlite-vec index inside the app's database file", () => {
  it("only creates ix_ tables, uses WAL, and leaves app tables alone; commit drops all old tables", async () => {
    const file = tmpFile();
    const app = new Database(file);
    app.exec('CREATE TABLE "Report" (id INTEGER PRIMARY KEY, title TEXT)');
    app.prepare('INSERT INTO "Report" (id, title) VALUES (1, ?)').run("kept");
    app.close();

    const ix = new SqliteVecIndex({ path: file, dims: 4 });
    await ix.upsert([pt(1, basis(0, 4), "A", "x")]);
    const oldGen = ix.generation;
    const s = await ix.beginReindex();
    await s.upsert([pt(2, basis(1, 4), "A", "y")]);
    const db = new Database(file, { readonly: true });
    const names = () => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    assert.equal((db.pragma("journal_mode", { simple: true }) as string).toLowerCase(), "wal");
    assert.deepEqual(names().filter((x) => !x.startsWith("ix_") && x !== "sqlite_sequence"), ["Report"]);
    assert.ok(names().some((x) => x.startsWith(`ix_vec_${s.generation}`)));
    assert.ok(names().some((x) => x.startsWith(`ix_fts_${s.generation}_`)), "FTS5 shadow tables are ix_ too");
    await s.commit();
    assert.deepEqual(names().filter((x) => x.includes(oldGen)), [], "old generation and its shadow tables dropped");
    const meta = Object.fromEntries((db.prepare("SELECT key, value FROM ix_meta").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    assert.equal(meta.live, s.generation);
    assert.equal(meta.dims, "4");
    assert.equal((db.prepare('SELECT title FROM "Report"').get() as { title: string }).title, "kept");
    db.close();
    await ix.close();
    await assert.rejects(ix.count(), /closed/);
  });

  it("k beyond vec0's 4096 cap falls back to an exact scan (with filters and exclusions)", async () => {
    const ix = new SqliteVecIndex({ path: tmpFile(), dims: 4 });
    const r = rng(9);
    await ix.upsert(Array.from({ length: 30 }, (_, i) => pt(i + 1, near(i % 4, 4, 0.3, r), (i + 1) % 2 ? "odd" : "even", "w")));
    const capped = await ix.search(basis(0, 4), 30);
    const scan = await ix.search(basis(0, 4), VEC0_MAX_K + 10);
    assert.deepEqual(scan.map((h) => h.id), capped.map((h) => h.id));
    for (let i = 0; i < scan.length; i++) assert.ok(Math.abs(scan[i].score - capped[i].score) < 1e-6);
    const filtered = await ix.search(basis(0, 4), VEC0_MAX_K + 10, { product: "odd", excludeIds: [1, 3] });
    assert.equal(filtered.length, 13);
    assert.ok(filtered.every((h) => h.id % 2 === 1 && h.id !== 1 && h.id !== 3));
    // excludeIds larger than the cap forces the scan path too
    const many = Array.from({ length: VEC0_MAX_K }, (_, i) => 100_000 + i);
    assert.equal((await ix.search(basis(0, 4), 5, { excludeIds: [...many, 2] })).length, 5);
    await ix.close();
  });

  it("another connection sees either the whole old or the whole new generation during a switch", async () => {
    const file = tmpFile();
    const N = 150;
    const OLD = Array.from({ length: N }, (_, i) => i + 1);
    const NEW = Array.from({ length: N }, (_, i) => 5001 + i);
    const r = rng(11);
    const ix = new SqliteVecIndex({ path: file, dims: 16 });
    await ix.upsert(OLD.map((id) => pt(id, near(id % 16, 16, 0.3, r), "old", "old")));

    const workerCode = `
      const { parentPort, workerData } = require("node:worker_threads");
      (async () => {
        (await import(workerData.tsx)).register(); // eval workers do not inherit --import tsx
        const { SqliteVecIndex } = await import(workerData.module);
        const ix = new SqliteVecIndex({ path: workerData.file, dims: 16 });
        const sig = (ids) => ids.slice().sort((a, b) => a - b).join(",");
        const stats = { old: 0, new: 0, bad: [], queries: 0 };
        let stop = false;
        parentPort.on("message", (m) => { if (m === "stop") stop = true; });
        const q = new Float32Array(16); q[0] = 1;
        while (!stop) {
          try {
            const sets = [
              (await ix.search(q, workerData.n + 50)).map((h) => h.id),
              (await ix.keywordSearch("common", workerData.n + 50)).map((h) => h.id),
              (await ix.hybridSearch(q, "common report", workerData.n + 50)).map((h) => h.id),
              await ix.ids(),
            ];
            for (const s of sets) {
              const k = sig(s);
              if (k === workerData.old) stats.old++;
              else if (k === workerData.new) stats.new++;
              else stats.bad.push("mixed/partial result with " + s.length + " ids");
            }
          } catch (e) {
            stats.bad.push("query failed: " + e.message);
          }
          stats.queries++;
          if (stats.queries === 1) parentPort.postMessage("running");
          await new Promise((r) => setImmediate(r));
        }
        await ix.close();
        parentPort.postMessage(stats);
      })().catch((e) => parentPort.postMessage({ fatal: String(e && e.stack || e) }));
    `;
    const worker = new Worker(workerCode, {
      eval: true,
      workerData: {
        module: new URL("../../lib/vector/sqlite-vec.ts", import.meta.url).href,
        tsx: import.meta.resolve("tsx/esm/api"),
        file,
        n: N,
        old: OLD.join(","),
        new: NEW.join(","),
      },
    });
    const messages: unknown[] = [];
    let wake: (() => void) | undefined;
    worker.on("message", (m) => {
      messages.push(m);
      wake?.();
    });
    worker.on("error", (e) => {
      messages.push({ fatal: String(e) });
      wake?.();
    });
    const next = () =>
      new Promise<unknown>((res) => {
        const take = () => {
          if (messages.length > 0) res(messages.shift());
          else wake = take;
        };
        take();
      });
    assert.equal(await next(), "running");
    const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
    const s = await ix.beginReindex();
    const pts = NEW.map((id) => pt(id, near(id % 16, 16, 0.3, r), "new", "new"));
    for (let i = 0; i < pts.length; i += 10) {
      await s.upsert(pts.slice(i, i + 10));
      await sleep(3);
    }
    await s.commit();
    await sleep(60);
    worker.postMessage("stop");
    const stats = (await next()) as { old: number; new: number; bad: string[]; queries: number; fatal?: string };
    await worker.terminate();
    await ix.close();
    assert.equal(stats.fatal, undefined);
    assert.deepEqual(stats.bad, []);
    assert.ok(stats.old > 0 && stats.new > 0, `worker saw old ${stats.old} / new ${stats.new} result sets`);
  });

  it("a crashed re-index survives reopening: listed, resumable, or cleaned up as stale", async () => {
    const file = tmpFile();
    const a = new SqliteVecIndex({ path: file, dims: 4 });
    await a.upsert([pt(1, basis(0, 4), "A", "x")]);
    const s = await a.beginReindex();
    await s.upsert([pt(10, basis(1, 4), "A", "y")]);
    const crashed = s.generation;
    await a.close(); // process died before commit

    const b = new SqliteVecIndex({ path: file, dims: 4 });
    const gens = await b.generations();
    assert.deepEqual(
      gens.map((g) => [g.state, g.count]),
      [
        ["live", 1],
        ["building", 1],
      ],
    );
    assert.equal(gens[1].generation, crashed);
    assert.deepEqual(await b.cleanupStaleGenerations(60_000), [], "recently active: not stale");
    const resumed = await b.beginReindex({ resumeGeneration: crashed });
    await resumed.upsert([pt(11, basis(2, 4), "A", "z")]);
    assert.deepEqual(await resumed.ids(), [10, 11]);

    // a second abandoned generation is cleaned up once stale; the live one never is
    const abandoned = await b.beginReindex();
    await new Promise((res) => setTimeout(res, 5));
    const dropped = await b.cleanupStaleGenerations(1);
    assert.deepEqual(dropped.sort(), [crashed, abandoned.generation].sort());
    await assert.rejects(resumed.commit(), /not being built/);
    assert.deepEqual(await b.ids(), [1]);
    await assert.rejects(b.dropGeneration(b.generation), /live/);
    await b.close();
  });

  it("an index opened on the same file follows commits made by another instance", async () => {
    const file = tmpFile();
    const a = new SqliteVecIndex({ path: file, dims: 4 });
    const b = new SqliteVecIndex({ path: file, dims: 4 });
    await a.upsert([pt(1, basis(0, 4), "A", "x")]);
    assert.deepEqual(await b.ids(), [1]);
    const s = await a.beginReindex({ dims: 6 });
    await s.upsert([pt(2, basis(0, 6), "A", "x")]);
    await s.commit();
    assert.deepEqual(await b.ids(), [2]);
    assert.equal(b.dims, 6);
    assert.equal((await b.search(basis(0, 6), 3))[0].id, 2);
    await a.close();
    await b.close();
  });
});
