// Builds an evaluation corpus straight from a tracker export (e.g. a Jira CSV plus a duplicate-pairs file)
// without the app database: the same parsers as the importer, in memory, with ids assigned in file order.
import fs from "node:fs";
import path from "node:path";
import { parseInput } from "@/lib/ingest/formats";
import type { Format, LinkRef } from "@/lib/ingest/types";
import type { CorpusReport, EvalCorpus } from "@/lib/offline/eval/corpus";
import type { Link } from "@/lib/offline/eval/split";

export interface FileCorpusOptions {
  format: Format;
  /** Jira only: duplicate pairs CSV. */
  links?: string;
  source?: string;
  /** Called for every parse error (the corpus is still built from the good records). */
  onError?: (message: string) => void;
}

export async function loadCorpusFromFile(file: string, opts: FileCorpusOptions): Promise<EvalCorpus> {
  if (!fs.existsSync(file)) throw new Error(`input file ${file} does not exist`);
  if (opts.links && !fs.existsSync(opts.links)) throw new Error(`links file ${opts.links} does not exist`);
  const items = parseInput(opts.format, fs.createReadStream(file), {
    source: opts.source,
    links: opts.links ? fs.createReadStream(opts.links) : undefined,
    linksName: opts.links ? path.basename(opts.links) : undefined,
  });
  const reports: CorpusReport[] = [];
  const idOf = new Map<string, number>();
  const key = (source: string, ext: string) => `${source}\u0000${ext}`;
  const pending: Omit<LinkRef, "line" | "file">[] = [];
  for await (const it of items) {
    if (it.error) {
      opts.onError?.(`${it.file ?? path.basename(file)}:${it.line}: ${it.error}`);
      continue;
    }
    if (it.link) {
      pending.push(it.link);
      continue;
    }
    const r = it.record;
    if (!r) continue;
    const k = key(r.source, r.externalId);
    if (idOf.has(k)) {
      opts.onError?.(`${path.basename(file)}:${it.line}: ${r.externalId} appears twice; the first one is kept`);
      continue;
    }
    const id = reports.length + 1;
    idOf.set(k, id);
    for (const a of r.aliases ?? []) if (!idOf.has(key(r.source, a))) idOf.set(key(r.source, a), id);
    reports.push({
      id,
      source: r.source,
      title: r.title,
      description: r.description,
      product: r.product ?? null,
      component: r.component ?? null,
      status: r.status ?? null,
      createdAt: r.createdAt.getTime(),
    });
    for (const m of r.duplicateOf ?? []) pending.push({ duplicateSource: r.source, duplicate: r.externalId, masterSource: r.source, master: m });
    for (const d of r.duplicatedBy ?? []) pending.push({ duplicateSource: r.source, duplicate: d, masterSource: r.source, master: r.externalId });
  }
  const links: Link[] = [];
  let unresolved = 0;
  for (const p of pending) {
    const d = idOf.get(key(p.duplicateSource, p.duplicate));
    const m = idOf.get(key(p.masterSource, p.master));
    if (d === undefined || m === undefined || d === m) {
      unresolved++;
      continue;
    }
    links.push({ duplicateId: d, masterId: m });
  }
  if (unresolved) opts.onError?.(`${unresolved} duplicate references point at reports not in ${path.basename(file)}; ignored`);
  return { reports, links };
}
