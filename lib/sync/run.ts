// One sync run: page by page, upsert the connector's records through the file importer's path
// (importRecords: content hash, unchanged reports skipped, duplicate links resolved), embed and index what is
// new or changed (indexStale), then store the page's cursor. The cursor moves only after its page is
// committed and indexed, so a run killed at any point resumes at the last committed page: reports of the
// page being written are re-read and count as unchanged, never doubled, and none are skipped.
//
// A duplicate link whose other side has not been synced yet (a master updated later than its duplicate) is
// kept in the row's counts as a pending link and retried with every page and every later run.
import type { Core } from "@/lib/core";
import type { PrismaClient } from "@/lib/db/client";
import type { SyncCounts } from "@/lib/domain/views";
import type { Encoder } from "@/lib/embedding/types";
import { indexReports, staleReportIds } from "@/lib/corpus/index-sync";
import { INDEXABLE_SELECT } from "@/lib/corpus/vectors";
import { invalidateGraph } from "@/lib/dedup/clusters";
import { importRecords } from "@/lib/ingest/import";
import type { LinkRef, ParseItem } from "@/lib/ingest/types";
import { parseCounts } from "@/lib/jobs/store";
import { claimRun, EMPTY_COUNTS } from "@/lib/sync/state";
import type { Connector } from "@/lib/sync/types";

export interface SyncProgress {
  connector: string;
  cursor: string | null;
  counts: SyncCounts;
}

export interface RunSyncOptions {
  /** Start from the beginning instead of the stored cursor. */
  full?: boolean;
  /** Embed and index new/changed reports after each page (default true). */
  index?: boolean;
  onProgress?: (p: SyncProgress) => void | Promise<void>;
  /** Called once the run holds its SyncSource row (a ConflictError comes before instead). */
  onClaimed?: () => void;
}

/** A connector's links stay in its one source, so a pending link (kept in the row's counts) names it once. */
type Pending = { source: string } & Pick<LinkRef, "duplicate" | "master">;

const MAX_PENDING = 5000;
const HEARTBEAT_MS = 5000;

export async function runSync(core: Core, connector: Connector, opts: RunSyncOptions = {}): Promise<SyncCounts> {
  const prisma = core.db;
  const row = await claimRun(prisma, connector.name, core.config.staleJobMs);
  opts.onClaimed?.();
  let pending = pendingOf(row.counts);
  const counts: SyncCounts = { ...EMPTY_COUNTS, pendingLinks: pending.length };
  let cursor = opts.full ? null : row.cursor;
  const save = (data: Record<string, unknown> = {}) =>
    prisma.syncSource.update({
      where: { name: connector.name },
      data: { counts: JSON.stringify({ ...counts, pending }), heartbeatAt: new Date(), ...data },
    });
  await save();
  const beat = setInterval(() => void save().catch(() => undefined), HEARTBEAT_MS);
  beat.unref();
  // Encoding runs on a background encoder (a worker thread by default), as a re-index does: the serving
  // session runs batches synchronously on the main thread and would stall the server's requests meanwhile.
  let encoder: Encoder | null = null;
  try {
    for await (const page of connector.pages(cursor)) {
      const links: ParseItem[] = pending.map((p) => ({
        line: 0,
        link: { duplicateSource: p.source, duplicate: p.duplicate, masterSource: p.source, master: p.master, line: 0 },
      }));
      const summary = await importRecords(prisma, [...page.items, ...links], { recordJob: false });
      counts.pages++;
      counts.fetched += page.fetched;
      counts.imported += summary.imported;
      counts.updated += summary.updated;
      counts.unchanged += summary.unchanged;
      counts.skipped += summary.skipped;
      counts.rejected += summary.rejected;
      counts.links += summary.links.created;
      for (const e of summary.errors) console.error(`[sync] ${connector.name}: ${e.message}`);
      pending = await stillPending(prisma, [...pending, ...linksOf(page.items)]);
      counts.pendingLinks = pending.length;
      if (summary.links.created) invalidateGraph(core);
      if (opts.index !== false) {
        const { index, model } = await core.query();
        encoder ??= await core.backgroundEncoderFor(model.dir);
        counts.indexed += await indexNew(prisma, { encoder, index });
      }
      cursor = page.cursor;
      await save({ cursor });
      await opts.onProgress?.({ connector: connector.name, cursor, counts: { ...counts } });
    }
    const now = new Date();
    await save({ state: "succeeded", lastRunAt: now, lastSuccessAt: now });
    return counts;
  } catch (err) {
    await save({ state: "failed", lastRunAt: new Date(), lastError: (err as Error).message ?? String(err) }).catch(() => undefined);
    throw err;
  } finally {
    clearInterval(beat);
    await encoder?.close().catch(() => undefined);
  }
}

/** Encodes and upserts every report whose current content is not in the index yet. */
async function indexNew(prisma: PrismaClient, services: Parameters<typeof indexReports>[2]): Promise<number> {
  const ids = await staleReportIds(prisma);
  for (let i = 0; i < ids.length; i += 64) {
    const rows = await prisma.report.findMany({ where: { id: { in: ids.slice(i, i + 64) } }, select: INDEXABLE_SELECT });
    await indexReports(prisma, rows, services);
  }
  return ids.length;
}

function pendingOf(json: string | null): Pending[] {
  const raw = parseCounts(json)?.pending;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (p): p is Pending => !!p && typeof p.source === "string" && typeof p.duplicate === "string" && typeof p.master === "string",
  );
}

function linksOf(items: ParseItem[]): Pending[] {
  const out: Pending[] = [];
  for (const { record: r } of items) {
    if (!r) continue;
    for (const m of r.duplicateOf ?? []) out.push({ source: r.source, duplicate: r.externalId, master: m });
    for (const d of r.duplicatedBy ?? []) out.push({ source: r.source, duplicate: d, master: r.externalId });
  }
  return out;
}

/** Links one of whose reports is not stored yet (the rest were resolved by importRecords). */
async function stillPending(prisma: PrismaClient, links: Pending[]): Promise<Pending[]> {
  if (links.length === 0) return [];
  const have = new Set<string>();
  const bySource = new Map<string, Set<string>>();
  for (const l of links) {
    const set = bySource.get(l.source) ?? new Set<string>();
    set.add(l.duplicate).add(l.master);
    bySource.set(l.source, set);
  }
  for (const [source, ids] of bySource) {
    const rows = await prisma.report.findMany({ where: { source, externalId: { in: [...ids] } }, select: { externalId: true } });
    for (const r of rows) have.add(`${source}\u0000${r.externalId}`);
  }
  const seen = new Set<string>();
  const out: Pending[] = [];
  for (const l of links) {
    const k = `${l.source}\u0000${l.duplicate}\u0000${l.master}`;
    if (seen.has(k) || l.duplicate === l.master) continue;
    seen.add(k);
    if (!have.has(`${l.source}\u0000${l.duplicate}`) || !have.has(`${l.source}\u0000${l.master}`)) out.push(l);
  }
  return out.slice(-MAX_PENDING);
}
