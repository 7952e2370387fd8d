// Report CRUD. Writes go to the database first, then to the index (encode + upsert); indexedHash
// records what the index holds, so a failed index write is repaired by the next catch-up/reindex.
import type { PrismaClient, Report } from "@/lib/db/client";
import { Prisma } from "@/lib/db/client";
import type { CreateReport, ListReportsQuery, UpdateReport } from "@/lib/domain/types";
import type { ListReportsResponse, ReportDetail } from "@/lib/domain/views";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/domain/errors";
import { contentHash, finishRecord } from "@/lib/ingest/record";
import type { ReportRecord } from "@/lib/ingest/types";
import { clustersOf, invalidateGraph } from "@/lib/dedup/clusters";
import { decisionHistory } from "@/lib/triage/record";
import { toLink, toSummary } from "@/lib/corpus/rows";
import { indexReports } from "@/lib/corpus/index-sync";
import { prismaWhere } from "@/lib/search/filters";
import type { Core } from "@/lib/core";

function recordFrom(fields: Record<string, unknown>): ReportRecord {
  try {
    return finishRecord(fields);
  } catch (e) {
    throw new ValidationError((e as Error).message);
  }
}

function rowData(rec: ReportRecord) {
  return {
    source: rec.source,
    externalId: rec.externalId,
    url: rec.url ?? null,
    title: rec.title,
    description: rec.description,
    product: rec.product ?? null,
    component: rec.component ?? null,
    version: rec.version ?? null,
    platform: rec.platform ?? null,
    status: rec.status ?? null,
    resolution: rec.resolution ?? null,
    reporter: rec.reporter ?? null,
    createdAt: rec.createdAt,
    updatedAt: rec.updatedAt,
    contentHash: contentHash(rec),
  };
}

/** Index the report now; a failure (e.g. no model) leaves it stale for the next catch-up, and is logged. */
async function tryIndex(core: Core, r: Report): Promise<void> {
  try {
    await indexReports(core.db, [r], await core.query());
  } catch (e) {
    console.error(`[reports] could not index report ${r.id} now (will be picked up by the next reindex):`, (e as Error).message);
  }
}

function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}

/**
 * The next key for a report filed in bugsift: `<prefix>-<n>`, like an issue tracker's. The number comes from
 * one upsert on the prefix's row (a database-level INSERT … ON CONFLICT DO UPDATE … RETURNING), so concurrent
 * filings never share one; a lost race on the row's first insert is retried.
 */
async function nextReportKey(prisma: PrismaClient, prefix: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await prisma.reportKeySequence.upsert({
        where: { prefix },
        create: { prefix, last: 1 },
        update: { last: { increment: 1 } },
        select: { last: true },
      });
      return `${prefix}-${row.last}`;
    } catch (e) {
      if (!isUniqueViolation(e) || attempt >= 3) throw e;
    }
  }
}

// A generated key can already be taken by an imported report of the same source; the next number is tried
// then, up to this many times.
const MAX_KEY_ATTEMPTS = 1000;

export async function createReport(core: Core, input: CreateReport): Promise<ReportDetail> {
  const prisma = core.db;
  const now = new Date();
  const generated = input.externalId === undefined;
  for (let attempt = 1; ; attempt++) {
    const rec = recordFrom({
      ...input,
      externalId: input.externalId ?? (await nextReportKey(prisma, core.config.reportKeyPrefix)),
      createdAt: input.createdAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
    });
    let row: Report;
    try {
      row = await prisma.report.create({ data: rowData(rec) });
    } catch (e) {
      if (isUniqueViolation(e)) {
        if (generated && attempt < MAX_KEY_ATTEMPTS) continue;
        throw new ConflictError(`a report with source "${rec.source}" and externalId "${rec.externalId}" already exists`);
      }
      throw e;
    }
    await tryIndex(core, row);
    return getReport(core, row.id);
  }
}

export async function reportExists(prisma: PrismaClient, id: number): Promise<boolean> {
  return (await prisma.report.findUnique({ where: { id }, select: { id: true } })) !== null;
}

export async function getReport(core: Core, id: number): Promise<ReportDetail> {
  const prisma = core.db;
  const r = await prisma.report.findUnique({
    where: { id },
    include: {
      duplicateOf: { include: { master: { select: { id: true, externalId: true, title: true, status: true } } }, orderBy: { id: "asc" } },
      duplicates: { include: { duplicate: { select: { id: true, externalId: true, title: true, status: true } } }, orderBy: { id: "asc" } },
    },
  });
  if (!r) throw new NotFoundError(`report ${id} not found`);
  const cluster = (await clustersOf(core, [id])).get(id)!;
  return {
    ...toSummary(r),
    description: r.description,
    version: r.version,
    platform: r.platform,
    reporter: r.reporter,
    importedAt: r.importedAt.toISOString(),
    indexed: r.indexedHash !== null && r.indexedHash === r.contentHash,
    duplicateOf: r.duplicateOf.map((l) => toLink(l, l.master)),
    duplicates: r.duplicates.map((l) => toLink(l, l.duplicate)),
    decisions: await decisionHistory(prisma, id),
    cluster: { masterId: cluster.masterId, memberIds: cluster.members },
  };
}

export async function updateReport(core: Core, id: number, patch: UpdateReport): Promise<ReportDetail> {
  const prisma = core.db;
  const cur = await prisma.report.findUnique({ where: { id } });
  if (!cur) throw new NotFoundError(`report ${id} not found`);
  const merged: Record<string, unknown> = { ...cur, ...patch, updatedAt: new Date().toISOString() };
  const rec = recordFrom(merged);
  const data = rowData(rec);
  if (data.contentHash === cur.contentHash) return getReport(core, id);
  const row = await prisma.report.update({ where: { id }, data });
  await tryIndex(core, row);
  return getReport(core, id);
}

export async function deleteReport(core: Core, id: number): Promise<void> {
  const prisma = core.db;
  const cur = await prisma.report.findUnique({ where: { id }, select: { id: true } });
  if (!cur) throw new NotFoundError(`report ${id} not found`);
  // Index first: a report gone from the DB but still in the index would be a ghost hit
  // (search drops unknown ids anyway, but keep the index clean).
  try {
    await (await core.index()).delete([id]);
  } catch (e) {
    console.error(`[reports] could not delete report ${id} from the index:`, (e as Error).message);
  }
  await prisma.report.delete({ where: { id } });
  invalidateGraph(core);
}

export async function listReports(prisma: PrismaClient, q: ListReportsQuery): Promise<ListReportsResponse> {
  const where = prismaWhere(q);
  const [rows, total] = await Promise.all([
    prisma.report.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: q.offset, take: q.limit }),
    prisma.report.count({ where }),
  ]);
  return { reports: rows.map(toSummary), total, limit: q.limit, offset: q.offset };
}
