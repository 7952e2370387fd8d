// Idempotent import of parsed reports into the database.
//
// Reports are upserted by (source, externalId) in batches, each batch in one transaction,
// so a crash leaves whole batches behind and a re-run finishes the job without duplicates
// (rows already written compare equal by contentHash and count as "unchanged").
// Duplicate links are resolved after every report is in, because a master may appear later
// in the file than its duplicates (or only in an earlier import). Each end of a link is looked
// up in its own source (a record's references in the record's source; link items name theirs).
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/db/client";
import { contentHash } from "@/lib/ingest/record";
import type { LinkRef, ParseItem, ReportRecord } from "@/lib/ingest/types";

export interface ImportIssue {
  /** Line in the input (or in `file`) where the problem record starts. */
  line: number;
  /** Set when the line refers to a side file (e.g. the Jira --links file). */
  file?: string;
  message: string;
}

export interface ImportCounts {
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Valid input that is not a report (GitHub pull requests). */
  skipped: number;
}

export interface ImportProgress extends ImportCounts {
  phase: "reports" | "links" | "done";
  /** Parse items consumed so far. */
  processed: number;
  /** Batches committed so far. */
  batches: number;
}

export interface ImportSummary extends ImportCounts {
  links: { created: number; existing: number; unresolved: number };
  /** Rejected rows. */
  errors: ImportIssue[];
  /** Problems that did not reject a row (unresolved or self-referencing duplicate links). */
  warnings: ImportIssue[];
  /** IndexJob row recording this import, when recordJob was on. */
  jobId?: string;
}

export interface ImportOptions {
  /** Reports per transaction (default 500). */
  batchSize?: number;
  /** Called after each committed batch and after the link phase. A throw aborts the import. */
  onProgress?: (p: ImportProgress) => void | Promise<void>;
  /** Fraction done in [0, 1] for the IndexJob row (e.g. bytes read / file size). */
  fraction?: () => number;
  /** Record an IndexJob row of kind "import" (default true). */
  recordJob?: boolean;
}

const key = (source: string, externalId: string) => `${source}\u0000${externalId}`;

export async function importRecords(
  prisma: PrismaClient,
  items: AsyncIterable<ParseItem> | Iterable<ParseItem>,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const batchSize = opts.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer (got ${batchSize})`);
  const s: ImportSummary = {
    imported: 0, updated: 0, unchanged: 0, rejected: 0, skipped: 0,
    links: { created: 0, existing: 0, unresolved: 0 },
    errors: [], warnings: [],
  };
  const seen = new Map<string, number>(); // (source, externalId) -> line, to catch repeats in one file
  const aliases = new Map<string, string>(); // (source, alias) -> externalId
  const pending: LinkRef[] = []; // each end in its own source: a pair may cross sources
  let batch: { line: number; rec: ReportRecord; hash: string }[] = [];
  let processed = 0;
  let batches = 0;

  const jobId = opts.recordJob === false ? undefined : randomUUID();
  if (jobId) {
    s.jobId = jobId;
    await prisma.indexJob.create({ data: { id: jobId, kind: "import", state: "running", startedAt: new Date(), heartbeatAt: new Date() } });
  }
  const progress = async (phase: ImportProgress["phase"]) => {
    const p: ImportProgress = {
      phase, processed, batches,
      imported: s.imported, updated: s.updated, unchanged: s.unchanged, rejected: s.rejected, skipped: s.skipped,
    };
    if (jobId) {
      await prisma.indexJob.update({
        where: { id: jobId },
        data: {
          processed,
          progress: phase === "done" ? 1 : Math.min(0.99, opts.fraction?.() ?? 0),
          heartbeatAt: new Date(),
          counts: JSON.stringify(countsOf(s)),
        },
      });
    }
    await opts.onProgress?.(p);
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    await writeBatch(prisma, current, s);
    batches++;
    await progress("reports");
  };

  try {
    for await (const item of items) {
      processed++;
      if (item.error !== undefined) {
        s.rejected++;
        s.errors.push(issue(item.line, item.file, item.error));
      } else if (item.skipped !== undefined) {
        s.skipped++;
      } else if (item.link) {
        pending.push(item.link);
      } else if (item.record) {
        const rec = item.record;
        const k = key(rec.source, rec.externalId);
        const first = seen.get(k);
        if (first !== undefined) {
          s.rejected++;
          s.errors.push(issue(item.line, item.file, `id "${rec.externalId}" appears again in this input (first at line ${first})`));
          continue;
        }
        seen.set(k, item.line);
        for (const a of rec.aliases ?? []) aliases.set(key(rec.source, a), rec.externalId);
        const own = { duplicateSource: rec.source, masterSource: rec.source, line: item.line, file: item.file };
        for (const m of rec.duplicateOf ?? []) pending.push({ ...own, duplicate: rec.externalId, master: m });
        for (const d of rec.duplicatedBy ?? []) pending.push({ ...own, duplicate: d, master: rec.externalId });
        batch.push({ line: item.line, rec, hash: contentHash(rec) });
        if (batch.length >= batchSize) await flush();
      }
    }
    await flush();

    await resolveLinks(prisma, pending, aliases, s);
    await progress("links");
    if (jobId) {
      await prisma.indexJob.update({
        where: { id: jobId },
        data: { state: "succeeded", progress: 1, processed, finishedAt: new Date(), counts: JSON.stringify(countsOf(s)) },
      });
    }
    return s;
  } catch (err) {
    if (jobId) {
      // Best effort: the original error matters more than a failed bookkeeping write.
      await prisma.indexJob
        .update({
          where: { id: jobId },
          data: { state: "failed", error: (err as Error).message ?? String(err), finishedAt: new Date(), counts: JSON.stringify(countsOf(s)) },
        })
        .catch(() => undefined);
    }
    throw err;
  }
}

function issue(line: number, file: string | undefined, message: string): ImportIssue {
  return file === undefined ? { line, message } : { line, file, message };
}

function countsOf(s: ImportSummary) {
  return { imported: s.imported, updated: s.updated, unchanged: s.unchanged, rejected: s.rejected, skipped: s.skipped, links: s.links };
}

function columns(r: ReportRecord, hash: string) {
  return {
    url: r.url ?? null,
    title: r.title,
    description: r.description,
    product: r.product ?? null,
    component: r.component ?? null,
    version: r.version ?? null,
    platform: r.platform ?? null,
    status: r.status ?? null,
    resolution: r.resolution ?? null,
    reporter: r.reporter ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    contentHash: hash,
  };
}

/** Upserts one batch in a single transaction and adds to the counters only after it commits. */
async function writeBatch(prisma: PrismaClient, batch: { rec: ReportRecord; hash: string }[], s: ImportCounts) {
  const existing = new Map<string, { id: number; contentHash: string }>();
  for (const [source, ids] of groupBySource(batch.map((b) => b.rec))) {
    const rows = await prisma.report.findMany({
      where: { source, externalId: { in: ids } },
      select: { id: true, externalId: true, contentHash: true },
    });
    for (const r of rows) existing.set(key(source, r.externalId), r);
  }
  const creates = [];
  const updates = [];
  let unchanged = 0;
  for (const { rec, hash } of batch) {
    const cur = existing.get(key(rec.source, rec.externalId));
    if (!cur) creates.push({ source: rec.source, externalId: rec.externalId, ...columns(rec, hash) });
    else if (cur.contentHash !== hash) updates.push(prisma.report.update({ where: { id: cur.id }, data: columns(rec, hash) }));
    else unchanged++;
  }
  if (creates.length || updates.length) {
    await prisma.$transaction([...(creates.length ? [prisma.report.createMany({ data: creates })] : []), ...updates]);
  }
  s.imported += creates.length;
  s.updated += updates.length;
  s.unchanged += unchanged;
}

function groupBySource(recs: { source: string; externalId: string }[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of recs) {
    const list = m.get(r.source) ?? [];
    list.push(r.externalId);
    m.set(r.source, list);
  }
  return m;
}

const CHUNK = 500;

/** Creates missing DuplicateLink rows (origin "imported"); existing links are left untouched. */
async function resolveLinks(prisma: PrismaClient, pending: LinkRef[], aliases: Map<string, string>, s: ImportSummary) {
  if (pending.length === 0) return;
  // Aliases belong to a source: an id is canonicalised in the source of the end it names.
  const canon = (source: string, id: string) => aliases.get(key(source, id)) ?? id;

  // Report ids for every external id mentioned, from the DB (covers earlier imports too).
  const ids = new Map<string, number>();
  const wanted = new Map<string, Set<string>>();
  const want = (source: string, id: string) => {
    const set = wanted.get(source) ?? new Set<string>();
    set.add(canon(source, id));
    wanted.set(source, set);
  };
  for (const p of pending) {
    want(p.duplicateSource, p.duplicate);
    want(p.masterSource, p.master);
  }
  for (const [source, set] of wanted) {
    const all = [...set];
    for (let i = 0; i < all.length; i += CHUNK) {
      const rows = await prisma.report.findMany({
        where: { source, externalId: { in: all.slice(i, i + CHUNK) } },
        select: { id: true, externalId: true },
      });
      for (const r of rows) ids.set(key(source, r.externalId), r.id);
    }
  }

  const pairs = new Map<string, { duplicateId: number; masterId: number }>();
  for (const p of pending) {
    const duplicateId = ids.get(key(p.duplicateSource, canon(p.duplicateSource, p.duplicate)));
    const masterId = ids.get(key(p.masterSource, canon(p.masterSource, p.master)));
    const missing: [what: string, source: string][] = [];
    if (duplicateId === undefined) missing.push([`duplicate "${p.duplicate}"`, p.duplicateSource]);
    if (masterId === undefined) missing.push([`master "${p.master}"`, p.masterSource]);
    if (missing.length) {
      const where = missing.length === 2 && missing[0]![1] === missing[1]![1]
        ? `${missing[0]![0]} and ${missing[1]![0]} not found in source "${missing[0]![1]}"`
        : missing.map(([what, source]) => `${what} not found in source "${source}"`).join(" and ");
      s.links.unresolved++;
      s.warnings.push(issue(p.line, p.file, `duplicate link ${p.duplicate} -> ${p.master}: ${where}`));
      continue;
    }
    if (duplicateId === masterId) {
      s.warnings.push(issue(p.line, p.file, `duplicate link ${p.duplicate} -> ${p.master} points a report at itself; ignored`));
      continue;
    }
    pairs.set(`${duplicateId}:${masterId}`, { duplicateId: duplicateId!, masterId: masterId! });
  }

  const list = [...pairs.values()];
  const have = new Set<string>();
  const dupIds = [...new Set(list.map((p) => p.duplicateId))];
  for (let i = 0; i < dupIds.length; i += CHUNK) {
    const rows = await prisma.duplicateLink.findMany({
      where: { duplicateId: { in: dupIds.slice(i, i + CHUNK) } },
      select: { duplicateId: true, masterId: true },
    });
    for (const r of rows) have.add(`${r.duplicateId}:${r.masterId}`);
  }
  const fresh = list.filter((p) => !have.has(`${p.duplicateId}:${p.masterId}`));
  s.links.existing += list.length - fresh.length;
  for (let i = 0; i < fresh.length; i += CHUNK) {
    const chunk = fresh.slice(i, i + CHUNK);
    await prisma.$transaction([prisma.duplicateLink.createMany({ data: chunk.map((p) => ({ ...p, origin: "imported" })) })]);
    s.links.created += chunk.length;
  }
}
