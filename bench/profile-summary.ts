// Where a V8 CPU profile spent its time: self time summed by function (and by file), top N printed, so a
// `node --cpu-prof` run of the server can be read without DevTools.
//
//   NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" BENCH_REPORTS=100000 npm run bench:api   (profiles every node process)
//   npx tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile [--top 30]
//
// "(idle)" is time the thread waited on nothing (a saturated server has little), "(program)" native work V8 cannot
// attribute (native addons: SQLite, onnxruntime), "(garbage collector)" GC.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "30" } } });
if (positionals.length === 0) {
  console.error("usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top N]");
  process.exit(2);
}
const top = Number(values.top);
if (!Number.isInteger(top) || top < 1) {
  console.error(`--top must be a positive integer (got "${values.top}")`);
  process.exit(2);
}

/** Shortens node_modules and repository paths so the table stays readable. */
function shortUrl(url: string): string {
  if (!url) return "";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  return path.relative(process.cwd(), url.replace(/^file:\/\//, ""));
}

for (const file of positionals) {
  const prof = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  prof.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = shortUrl(url);
    const fn = `${functionName || "(anonymous)"}${where ? `  ${where}:${lineNumber + 1}` : ""}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const key = where ? where.split(":")[0]! : functionName;
    byFile.set(key, (byFile.get(key) ?? 0) + us);
  }
  const show = (title: string, m: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
    }
  };
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
  show("self time by function:", byFunction);
  show("self time by file:", byFile);
}
