// Triage decisions: who said what about a pair of reports, and when. The newest decision on a pair
// is the one in force; "duplicate" also records a DuplicateLink (origin "triager") so the pair joins
// one cluster, and a later different verdict removes that triager link again.
import type { PrismaClient } from "@/lib/db/client";
import { InvalidInputError, NotFoundError } from "@/lib/domain/errors";
import type { DecisionDto, TriageResponse } from "@/lib/domain/views";
import type { Verdict } from "@/lib/domain/types";
import { pairKey, toDecision, toLink } from "@/lib/corpus/rows";
import { latestByPair } from "@/lib/dedup/verdicts";
import { invalidateGraph } from "@/lib/dedup/clusters";
import type { Core } from "@/lib/core";

export interface DecisionInput {
  reportId: number;
  otherId: number;
  verdict: Verdict;
  actor: string;
  note?: string | null;
}

export async function recordDecision(core: Core, input: DecisionInput): Promise<TriageResponse> {
  const prisma = core.db;
  const { reportId, otherId, verdict, actor } = input;
  if (reportId === otherId) throw new InvalidInputError("reportId and otherId must differ");
  if (!["duplicate", "not_duplicate", "related"].includes(verdict)) throw new InvalidInputError(`unknown verdict "${verdict}"`);
  const result = await prisma.$transaction(async (tx) => {
    const found = await tx.report.findMany({ where: { id: { in: [reportId, otherId] } }, select: { id: true } });
    for (const id of [reportId, otherId]) {
      if (!found.some((r) => r.id === id)) throw new NotFoundError(`report ${id} not found`);
    }
    const decision = await tx.triageDecision.create({
      data: { reportId, otherId, verdict, actor, note: input.note ?? null },
    });
    let link = null;
    if (verdict === "duplicate") {
      // Either direction already linked (imported or earlier verdict): keep it, no cycle.
      const existing = await tx.duplicateLink.findFirst({
        where: {
          OR: [
            { duplicateId: reportId, masterId: otherId },
            { duplicateId: otherId, masterId: reportId },
          ],
        },
      });
      link = existing ?? (await tx.duplicateLink.create({ data: { duplicateId: reportId, masterId: otherId, origin: "triager", actor } }));
    } else {
      await tx.duplicateLink.deleteMany({
        where: {
          origin: "triager",
          OR: [
            { duplicateId: reportId, masterId: otherId },
            { duplicateId: otherId, masterId: reportId },
          ],
        },
      });
    }
    return { decision: toDecision(decision, true), link: link ? toLink(link) : null };
  });
  invalidateGraph(core);
  return result;
}

/** Every decision touching `reportId`, newest first, with `current` marking the one in force per pair. */
export async function decisionHistory(prisma: PrismaClient, reportId: number): Promise<DecisionDto[]> {
  const exists = await prisma.report.findUnique({ where: { id: reportId }, select: { id: true } });
  if (!exists) throw new NotFoundError(`report ${reportId} not found`);
  const rows = await prisma.triageDecision.findMany({
    where: { OR: [{ reportId }, { otherId: reportId }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  const latest = latestByPair(rows);
  return rows.map((d) => toDecision(d, latest.get(pairKey(d.reportId, d.otherId))?.id === d.id));
}
