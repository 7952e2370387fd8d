// Child process of fault-ann.test.ts: re-indexes the given SQLite file into a new generation of n seeded
// points with the ANN on, prints "building" right before commit() (which builds the generation's graph
// file first), then "committed". The test kills it with SIGKILL in between.
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { near, rng } from "@/tests/unit/index-contract";

const [file, nArg, dimsArg] = process.argv.slice(2);
const n = Number(nArg);
const dims = Number(dimsArg);
const ix = new SqliteVecIndex({ path: file!, dims, ann: { minPoints: 100, quantization: "f16" } });
const s = await ix.beginReindex();
const r = rng(99);
for (let i = 0; i < n; i += 2000) {
  const batch = [];
  for (let id = i + 1; id <= Math.min(n, i + 2000); id++) batch.push({ id, vector: near(id % dims, dims, 0.7, r), meta: { createdAt: id } });
  await s.upsert(batch);
}
process.stdout.write(`building ${s.generation}\n`);
await s.commit();
process.stdout.write("committed\n");
await ix.close();
