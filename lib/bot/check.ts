// The bot's duplicate check of one tracker report: store it (the import path), index it, run the duplicate
// check use case, and keep one comment on the report up to date with the likely duplicates from the same
// tracker. Posts once, edits afterwards (never a second comment), logs instead in dry-run, never closes.
import { createHash } from "node:crypto";
import type { Core } from "@/lib/core";
import type { BotSettings, SyncConnectorName } from "@/lib/domain/types";
import type { DuplicateCandidate } from "@/lib/domain/views";
import { indexReports } from "@/lib/corpus/index-sync";
import { INDEXABLE_SELECT } from "@/lib/corpus/vectors";
import { invalidateGraph } from "@/lib/dedup/clusters";
import { findDuplicates } from "@/lib/dedup/find";
import { importRecords } from "@/lib/ingest/import";
import type { ReportRecord } from "@/lib/ingest/types";
import { renderComment } from "@/lib/bot/comment";
import type { TrackerWriter } from "@/lib/sync/types";

export type BotAction = "posted" | "edited" | "unchanged" | "dry-run" | "none" | "disabled" | "cannot-edit";

export interface BotOutcome {
  action: BotAction;
  reportId: number;
  candidates: { externalId: string; score: number }[];
  /** The comment body posted, edited or (dry-run) logged. */
  body?: string;
}

export interface BotTracker {
  name: SyncConnectorName;
  writer: TrackerWriter;
}

/** Upserts the record (and its duplicate links) and makes sure the index holds its current text. */
export async function storeAndIndex(core: Core, record: ReportRecord): Promise<number> {
  const summary = await importRecords(core.db, [{ line: 1, record }], { recordJob: false });
  if (summary.errors.length) throw new Error(summary.errors[0]!.message);
  if (summary.links.created) invalidateGraph(core);
  const row = await core.db.report.findUniqueOrThrow({
    where: { source_externalId: { source: record.source, externalId: record.externalId } },
    select: INDEXABLE_SELECT,
  });
  const indexed = await core.db.report.findUnique({ where: { id: row.id }, select: { indexedHash: true } });
  if (indexed?.indexedHash !== row.contentHash) await indexReports(core.db, [row], await core.query());
  return row.id;
}

/** Likely duplicates of a stored report from its own tracker, best first, as the comment lists them. */
export async function likelyDuplicates(core: Core, reportId: number, settings: BotSettings): Promise<{ candidates: DuplicateCandidate[]; model: string }> {
  const report = await core.db.report.findUniqueOrThrow({ where: { id: reportId } });
  // Over-fetch: candidates from other sources are dropped (a tracker comment links within its tracker).
  const res = await findDuplicates(core, report, { reportId, k: settings.maxCandidates + 10, includeBelow: true });
  const threshold = settings.threshold ?? res.thresholds.likely;
  const candidates = res.candidates.filter((c) => c.report.source === report.source && c.score >= threshold).slice(0, settings.maxCandidates);
  return { candidates, model: res.model };
}

/** Runs the check for a stored report and posts, edits or logs the comment as the settings say. */
export async function commentOnReport(
  core: Core,
  tracker: BotTracker,
  reportId: number,
  settings: BotSettings,
): Promise<BotOutcome> {
  const prisma = core.db;
  const report = await prisma.report.findUniqueOrThrow({ where: { id: reportId }, select: { source: true, externalId: true } });
  if (!settings.enabled) return { action: "disabled", reportId, candidates: [] };
  return oneAtATime(core, `${report.source}\u0000${report.externalId}`, () => commentNow(core, tracker, reportId, report, settings));
}

const LOCKS = Symbol.for("bugsift.bot.commentLocks");

/**
 * Checks of one report run one after another in this process: GitHub sends `opened` and `labeled` for a new
 * issue within milliseconds, and two checks racing past "no comment yet" would both post.
 */
async function oneAtATime<T>(core: Core, key: string, fn: () => Promise<T>): Promise<T> {
  const locks = core.state(LOCKS, () => new Map<string, Promise<unknown>>());
  const run = (locks.get(key) ?? Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}

async function commentNow(
  core: Core,
  tracker: BotTracker,
  reportId: number,
  report: { source: string; externalId: string },
  settings: BotSettings,
): Promise<BotOutcome> {
  const prisma = core.db;
  const { candidates, model } = await likelyDuplicates(core, reportId, settings);
  const listed = candidates.map((c) => ({ externalId: c.report.externalId, score: c.score }));
  const key = { source_externalId: { source: report.source, externalId: report.externalId } };
  const existing = await prisma.botComment.findUnique({ where: key });
  if (!existing && candidates.length === 0) return { action: "none", reportId, candidates: listed };

  const body = renderComment(candidates, { tracker: tracker.name, model, publicUrl: core.config.auth.publicUrl ?? undefined });
  const bodyHash = createHash("sha256").update(body).digest("hex");
  if (existing && existing.bodyHash === bodyHash && (existing.commentId || settings.dryRun)) {
    return { action: "unchanged", reportId, candidates: listed, body };
  }
  const where = `${report.source} ${report.externalId}`;
  if (settings.dryRun) {
    console.log(`[bot] dry-run: would ${existing?.commentId ? "edit the comment on" : "comment on"} ${where}:\n${body}`);
    await prisma.botComment.upsert({
      where: key,
      create: { source: report.source, externalId: report.externalId, body, bodyHash, dryRun: true },
      update: { body, bodyHash, dryRun: true },
    });
    return { action: "dry-run", reportId, candidates: listed, body };
  }
  if (existing?.commentId) {
    if (!(await tracker.writer.editComment(report.externalId, existing.commentId, body))) {
      return { action: "cannot-edit", reportId, candidates: listed };
    }
    await prisma.botComment.update({ where: key, data: { body, bodyHash, dryRun: false } });
    console.log(`[bot] edited the comment on ${where} (${candidates.length} candidate(s))`);
    return { action: "edited", reportId, candidates: listed, body };
  }
  const commentId = await tracker.writer.postComment(report.externalId, body);
  await prisma.botComment.upsert({
    where: key,
    create: { source: report.source, externalId: report.externalId, commentId, body, bodyHash },
    update: { commentId, body, bodyHash, dryRun: false },
  });
  console.log(`[bot] commented on ${where} (${candidates.length} candidate(s))`);
  if (settings.label && candidates.length) await tracker.writer.addLabel(report.externalId, settings.label);
  return { action: "posted", reportId, candidates: listed, body };
}
