// SyncSource rows: the cursor, run status and bot settings of each tracker connector. A run claims its row
// (state "running" + heartbeat) so two syncs of one tracker never interleave; a row whose heartbeat is older
// than STALE_JOB_MS belongs to a dead process and may be claimed again (its cursor is still the last
// committed page, so the new run resumes there).
import type { PrismaClient, SyncSource } from "@/lib/db/client";
import type { AppConfig } from "@/lib/config";
import { ConflictError } from "@/lib/domain/errors";
import { DEFAULT_BOT_SETTINGS, type BotSettings, type SyncConnectorName } from "@/lib/domain/types";
import type { SyncCounts, SyncSourceDto } from "@/lib/domain/views";
import { parseCounts } from "@/lib/jobs/store";
import { bugzillaSource } from "@/lib/sync/bugzilla";
import { githubSource } from "@/lib/sync/github";
import { jiraSource } from "@/lib/sync/jira";

export const EMPTY_COUNTS: SyncCounts = {
  fetched: 0, imported: 0, updated: 0, unchanged: 0, skipped: 0, rejected: 0, links: 0, indexed: 0, pages: 0, pendingLinks: 0,
};

/** Report.source key of a connector's reports, or null when it is not configured. */
export function sourceKey(cfg: AppConfig, name: SyncConnectorName): string | null {
  const s = cfg.sync;
  if (name === "github") return s.github ? githubSource(s.github) : null;
  if (name === "bugzilla") return s.bugzilla ? bugzillaSource(s.bugzilla) : null;
  return s.jira ? jiraSource(s.jira) : null;
}

export async function syncRow(prisma: PrismaClient, name: SyncConnectorName): Promise<SyncSource> {
  return prisma.syncSource.upsert({ where: { name }, create: { name }, update: {} });
}

export function botSettings(row: Pick<SyncSource, "settings"> | null): BotSettings {
  const raw = parseCounts(row?.settings ?? null) ?? {};
  return { ...DEFAULT_BOT_SETTINGS, ...(raw as Partial<BotSettings>) };
}

export async function saveBotSettings(prisma: PrismaClient, name: SyncConnectorName, patch: Partial<BotSettings>): Promise<BotSettings> {
  const row = await syncRow(prisma, name);
  const next = { ...botSettings(row), ...patch };
  await prisma.syncSource.update({ where: { name }, data: { settings: JSON.stringify(next) } });
  return next;
}

/** Marks the row running; ConflictError when another live process holds it. */
export async function claimRun(prisma: PrismaClient, name: SyncConnectorName, staleMs: number): Promise<SyncSource> {
  await syncRow(prisma, name);
  const now = new Date();
  const { count } = await prisma.syncSource.updateMany({
    where: { name, OR: [{ state: { not: "running" } }, { heartbeatAt: null }, { heartbeatAt: { lt: new Date(now.getTime() - staleMs) } }] },
    data: { state: "running", startedAt: now, heartbeatAt: now, lastError: null },
  });
  if (count === 0) throw new ConflictError(`a ${name} sync is already running`);
  return (await prisma.syncSource.findUnique({ where: { name } }))!;
}

export function toSyncSourceDto(cfg: AppConfig, name: SyncConnectorName, row: SyncSource | null, staleMs: number): SyncSourceDto {
  const dead = row?.state === "running" && (!row.heartbeatAt || row.heartbeatAt.getTime() < Date.now() - staleMs);
  const secret = name === "github" ? cfg.sync.github?.webhookSecret : name === "jira" ? cfg.sync.jira?.webhookSecret : cfg.sync.bugzilla?.webhookSecret;
  return {
    name,
    configured: sourceKey(cfg, name) !== null,
    source: sourceKey(cfg, name),
    cursor: row?.cursor ?? null,
    state: dead ? "failed" : ((row?.state ?? "idle") as SyncSourceDto["state"]),
    counts: row?.counts ? countsOf(row.counts) : null,
    lastError: dead ? "the process running this sync stopped (it resumes from the cursor on the next run)" : (row?.lastError ?? null),
    startedAt: row?.startedAt?.toISOString() ?? null,
    heartbeatAt: row?.heartbeatAt?.toISOString() ?? null,
    lastRunAt: row?.lastRunAt?.toISOString() ?? null,
    lastSuccessAt: row?.lastSuccessAt?.toISOString() ?? null,
    webhook: !!secret,
    settings: botSettings(row),
  };
}

/** The counters of a stored counts JSON (without the pending link list kept beside them). */
export function countsOf(json: string | null): SyncCounts {
  const raw = parseCounts(json) ?? {};
  const out = { ...EMPTY_COUNTS };
  for (const k of Object.keys(EMPTY_COUNTS) as (keyof SyncCounts)[]) if (typeof raw[k] === "number") out[k] = raw[k] as number;
  return out;
}
