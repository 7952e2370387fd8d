// Crash safety of the ANN graph beside the embedded index: a re-index in a child process is killed with
// SIGKILL while commit() builds the new generation's graph file. The old generation must stay live and
// answer exactly as before through its own graph; cleanup must then remove the dead generation, its tables
// and any file or temp file it left.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { annDirOf } from "@/lib/vector/ann";
import { near, rng } from "@/tests/unit/index-contract";
import { sleep, spawnTsx, waitFor } from "@/tests/integration/fault-fixture";

const DIMS = 64;
const OLD = 3000;
const NEW = 30_000;
const ANN = { minPoints: 100, quantization: "f16" as const };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fault-ann-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("SIGKILL during the ANN build of a re-index keeps serving the old generation", async () => {
  const file = path.join(dir, "ix.db");
  const ix = new SqliteVecIndex({ path: file, dims: DIMS, ann: ANN });
  try {
    const r = rng(1);
    const pts = Array.from({ length: OLD }, (_, i) => ({ id: i + 1, vector: near(i % DIMS, DIMS, 0.7, r), meta: { createdAt: i } }));
    await ix.upsert(pts);
    const queries = Array.from({ length: 8 }, (_, i) => near((i * 7) % DIMS, DIMS, 0.7, r));
    const before = await Promise.all(queries.map((q) => ix.search(q, 10)));
    const oldGen = ix.generation;
    assert.ok(fs.readdirSync(annDirOf(file)).some((f) => f.startsWith(`${oldGen}-`)), "old generation has its graph file");

    const child = spawnTsx("tests/integration/fault-ann-child.ts", [file, String(NEW), String(DIMS)], {});
    let out = "";
    child.child.stdout!.on("data", (d: Buffer | string) => (out += String(d)));
    await waitFor(() => out.includes("building"), "the child to reach commit()", 300_000, 20);
    await sleep(150);
    child.child.kill("SIGKILL");
    const res = await child.done;
    assert.equal(res.signal, "SIGKILL");
    assert.ok(!out.includes("committed"), `the kill landed after the commit (stdout: ${out})`);
    const newGen = /building (\S+)/.exec(out)![1]!;

    // The same connection and a fresh one both still serve the old generation, identically.
    const fresh = new SqliteVecIndex({ path: file, dims: DIMS, ann: ANN });
    try {
      for (const ixx of [ix, fresh]) {
        const now = await Promise.all(queries.map((q) => ixx.search(q, 10)));
        assert.equal(ixx.generation, oldGen);
        assert.deepEqual(now, before);
        assert.equal(await ixx.count(), OLD);
      }
      const st = await fresh.annStatus();
      assert.equal(st.inStep, true);
      assert.equal(st.graphPoints, OLD);
      assert.equal(st.generation, oldGen);

      // Cleanup drops the dead generation and whatever it left beside the database.
      const dropped = await fresh.cleanupStaleGenerations(0);
      assert.deepEqual(dropped, [newGen]);
      const left = fs.readdirSync(annDirOf(file));
      assert.ok(left.every((f) => f.startsWith(`${oldGen}-`) && f.endsWith(".usearch")), `left beside the database: ${left.join(", ")}`);
      assert.deepEqual(await Promise.all(queries.map((q) => fresh.search(q, 10))), before);
    } finally {
      await fresh.close();
    }
  } finally {
    await ix.close();
  }
});
