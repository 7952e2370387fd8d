// Worker threads whose entry is TypeScript source (the check workers, the background encoder). The entry is
// loaded through tsx's loader, also inside the Next.js server, which bundles lib/ but not these entries: they
// run as files from the repository, so the server must run from its root.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * The bootstrap source for a worker running `entry` (a path relative to the repository root). Throws, naming
 * `what`, when the entry is missing, so a caller can fall back to working in thread before starting anything.
 */
export function tsWorkerSource(entry: string, what: string): string {
  const file = path.resolve(/*turbopackIgnore: true*/ process.cwd(), entry);
  if (!existsSync(file)) throw new Error(`${what}: ${file} not found (the server must run from the repository root)`);
  const req = createRequire(path.join(/*turbopackIgnore: true*/ process.cwd(), "package.json"));
  // require.resolve gives the CJS build; the bootstrap imports the ESM one next to it.
  const tsx = pathToFileURL(req.resolve("tsx/esm/api")).href.replace(/index\.cjs$/, "index.mjs");
  const url = pathToFileURL(file).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
}

/** A worker started from a bootstrap source (tsWorkerSource). */
export function startTsWorker(source: string, options: Omit<WorkerOptions, "eval">): Worker {
  return new Worker(source, { ...options, eval: true });
}
