// Prints the import graph between modules and every import cycle, at two grains: modules (a folder under
// lib/, or lib/<file> for a top-level file; the other top-level folders as one node each) and files.
// Reads import/export statements with the TypeScript scanner (ts.preProcessFile), so it needs no build.
//   npm run deps:graph            graph + cycles; exit 1 when a cycle exists
//   npm run deps:graph -- --files also list the file-level edges
//   npm run deps:graph -- --quiet only the cycle counts (npm run lint uses this)
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const root = path.resolve(import.meta.dirname, "..");
const roots = ["lib", "app", "components", "scripts", "bench", "tests"];
const skip = new Set(["node_modules", "generated", ".next"]);

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(root, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null; // a package
  const candidates = [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")];
  if (/\.js$/.test(base)) candidates.push(base.replace(/\.js$/, ".ts"));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/** lib/vector/sqlite-vec.ts -> lib/vector; lib/config.ts -> lib/config; app/api/x/route.ts -> app. */
function moduleOf(rel: string): string {
  const parts = rel.split("/");
  if (parts[0] === "lib") return parts.length > 2 ? `lib/${parts[1]}` : `lib/${parts[1].replace(/\.tsx?$/, "")}`;
  return parts[0];
}

/** Strongly connected components with more than one node (Tarjan). */
function cycles(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  let i = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), on = new Set<string>(), stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, i); low.set(v, i); i++; stack.push(v); on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || edges.get(v)?.has(v)) out.push(scc.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

const files = roots.filter((r) => existsSync(path.join(root, r))).flatMap((r) => walk(path.join(root, r), []));
const fileEdges = new Map<string, Set<string>>();
const moduleEdges = new Map<string, Set<string>>();
for (const f of files) {
  const rel = path.relative(root, f);
  const info = ts.preProcessFile(readFileSync(f, "utf8"), true, true);
  for (const imp of info.importedFiles) {
    const target = resolveImport(f, imp.fileName);
    if (!target) continue;
    const trel = path.relative(root, target);
    if (!fileEdges.has(rel)) fileEdges.set(rel, new Set());
    fileEdges.get(rel)!.add(trel);
    const [a, b] = [moduleOf(rel), moduleOf(trel)];
    if (a !== b) {
      if (!moduleEdges.has(a)) moduleEdges.set(a, new Set());
      moduleEdges.get(a)!.add(b);
    }
  }
}

const quiet = process.argv.includes("--quiet");
const modules = [...new Set([...files.map((f) => moduleOf(path.relative(root, f)))])].sort();
if (!quiet) console.log(`# module graph (${modules.length} modules, ${[...moduleEdges.values()].reduce((n, s) => n + s.size, 0)} edges)`);
if (!quiet) for (const m of modules) console.log(`${m} -> ${[...(moduleEdges.get(m) ?? [])].sort().join(", ") || "(nothing)"}`);
if (process.argv.includes("--files")) {
  console.log(`\n# file graph`);
  for (const [f, ts_] of [...fileEdges].sort()) console.log(`${f} -> ${[...ts_].sort().join(", ")}`);
}
const moduleCycles = cycles(modules, moduleEdges);
const fileCycles = cycles(files.map((f) => path.relative(root, f)).sort(), fileEdges);
console.log(`${quiet ? "" : "\n"}# module cycles: ${moduleCycles.length}`);
for (const c of moduleCycles) console.log(`  ${c.join(" <-> ")}`);
console.log(`# file cycles: ${fileCycles.length}`);
for (const c of fileCycles) console.log(`  ${c.join(" <-> ")}`);
process.exitCode = moduleCycles.length || fileCycles.length ? 1 : 0;
