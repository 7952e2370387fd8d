import { Session } from "node:inspector/promises";
import { openCore } from "@/lib/runtime/cli";
import { findDuplicatesHere } from "@/lib/dedup/find";
import { draftsFromDb } from "@/bench/api";
const drafts = draftsFromDb(process.env.DATABASE_URL!.slice(5));
const core = openCore();
const { index } = await core.query();
await index.warm?.();
for (let r = 0; r < 3; r++) for (const d of drafts) await findDuplicatesHere(core, d, { k: 10 });
const s = new Session();
s.connect();
await s.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as any);
const N = 5;
for (let r = 0; r < N; r++) for (const d of drafts) await findDuplicatesHere(core, d, { k: 10 });
const { profile } = (await s.post("HeapProfiler.stopSampling")) as any;
const checks = N * drafts.length;
// self size per function and per top-level "area" (file)
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
const walk = (n: any, stack: string[]) => {
  const cf = n.callFrame;
  const name = `${cf.functionName || "(anon)"} ${cf.url.replace(/^.*\/work\/main\//, "")}:${cf.lineNumber + 1}`;
  const st = [...stack, name];
  if (n.selfSize) {
    total += n.selfSize;
    byFn.set(name, (byFn.get(name) ?? 0) + n.selfSize);
    // attribute to the innermost frame in our lib/
    const own = [...st].reverse().find((f) => f.includes(" lib/") );
    byFile.set(own ?? "(other)", (byFile.get(own ?? "(other)") ?? 0) + n.selfSize);
  }
  for (const c of n.children) walk(c, st);
};
walk(profile.head, []);
console.log(`allocated per check: ${(total / checks / 1024).toFixed(0)} KB`);
console.log("-- by innermost lib frame");
for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(v / checks / 1024).toFixed(1).padStart(8)} KB  ${k}`);
console.log("-- by allocating function");
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(v / checks / 1024).toFixed(1).padStart(8)} KB  ${k}`);
await core.close();
