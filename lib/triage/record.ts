// Triage decisions: which account said what about a pair of reports, and when. The newest decision on a
// pair that was not reverted is the one in force; "duplicate" also records a DuplicateLink (origin
// "triager") so the pair joins one cluster, and a later different verdict removes that triager link
// again. A decision can be reverted by its author or an admin: the revert is stored beside it (the history
// keeps both) and the pair falls back to the verdict before it.
import type { PrismaClient } from "@/lib/db/client";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "@/lib/domain/errors";
import type { DecisionDto, TriageResponse } from "@/lib/domain/views";
import type { Verdict } from "@/lib/domain/types";
import type { Actor } from "@/lib/accounts/actor";
import { roleAtLeast } from "@/lib/accounts/roles";
import { pairKey, toDecision, toLink } from "@/lib/corpus/rows";
import { latestByPair } from "@/lib/dedup/verdicts";
import { invalidateGraph } from "@/lib/dedup/clusters";
import type { Core } from "@/lib/core";

export interface DecisionInput {
  reportId: number;
  otherId: number;
  verdict: Verdict;
  /** The signed-in account (lib/http/actor.ts) or a system account (systemActor) for bots and CLIs. */
  actor: Actor;
  note?: string | null;
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const WITH_AUTHOR = { author: true, revert: { include: { user: { select: { login: true } } } } } as const;

/** Makes the pair's triager link agree with `verdict` (the verdict now in force, or none). */
async function syncTriagerLink(tx: Tx, reportId: number, otherId: number, verdict: Verdict | null, actorLogin: string) {
  const pair = {
    OR: [
      { duplicateId: reportId, masterId: otherId },
      { duplicateId: otherId, masterId: reportId },
    ],
  };
  if (verdict === "duplicate") {
    // Either direction already linked (imported or earlier verdict): keep it, no cycle.
    const existing = await tx.duplicateLink.findFirst({ where: pair });
    return existing ?? (await tx.duplicateLink.create({ data: { duplicateId: reportId, masterId: otherId, origin: "triager", actor: actorLogin } }));
  }
  await tx.duplicateLink.deleteMany({ where: { origin: "triager", ...pair } });
  return null;
}

export async function recordDecision(core: Core, input: DecisionInput): Promise<TriageResponse> {
  const prisma = core.db;
  const { reportId, otherId, verdict, actor } = input;
  if (reportId === otherId) throw new InvalidInputError("reportId and otherId must differ");
  if (!["duplicate", "not_duplicate", "related"].includes(verdict)) throw new InvalidInputError(`unknown verdict "${verdict}"`);
  if (!roleAtLeast(actor.role, "triager")) throw new ForbiddenError(`${actor.login} is a ${actor.role}; recording a verdict needs the triager role`);
  const result = await prisma.$transaction(async (tx) => {
    const found = await tx.report.findMany({ where: { id: { in: [reportId, otherId] } }, select: { id: true } });
    for (const id of [reportId, otherId]) {
      if (!found.some((r) => r.id === id)) throw new NotFoundError(`report ${id} not found`);
    }
    const decision = await tx.triageDecision.create({
      data: { reportId, otherId, verdict, actor: actor.login, note: input.note ?? null, author: { create: { userId: actor.userId } } },
      include: WITH_AUTHOR,
    });
    const link = await syncTriagerLink(tx, reportId, otherId, verdict, actor.login);
    return { decision: toDecision(decision, true), link: link ? toLink(link) : null };
  });
  invalidateGraph(core);
  return result;
}

/**
 * Reverts a decision: allowed to its author and to admins. The pair's verdict in force becomes the newest
 * decision left (or none), and its triager link follows. Reverting twice is a conflict.
 */
export async function revertDecision(core: Core, decisionId: number, actor: Actor): Promise<{ decision: DecisionDto; current: DecisionDto | null }> {
  const prisma = core.db;
  const result = await prisma.$transaction(async (tx) => {
    const d = await tx.triageDecision.findUnique({ where: { id: decisionId }, include: WITH_AUTHOR });
    if (!d) throw new NotFoundError(`decision ${decisionId} not found`);
    if (d.revert) throw new ConflictError(`decision ${decisionId} was already reverted by ${d.revert.user.login}`);
    const isAuthor = d.author?.userId === actor.userId;
    if (!isAuthor && !roleAtLeast(actor.role, "admin")) {
      throw new ForbiddenError(`decision ${decisionId} was recorded by ${d.actor}; only its author or an admin may revert it`);
    }
    await tx.decisionRevert.create({ data: { decisionId, userId: actor.userId } });
    const remaining = await tx.triageDecision.findMany({
      where: {
        revert: null,
        OR: [
          { reportId: d.reportId, otherId: d.otherId },
          { reportId: d.otherId, otherId: d.reportId },
        ],
      },
      include: WITH_AUTHOR,
    });
    const inForce = latestByPair(remaining).get(pairKey(d.reportId, d.otherId)) ?? null;
    await syncTriagerLink(tx, inForce?.reportId ?? d.reportId, inForce?.otherId ?? d.otherId, (inForce?.verdict as Verdict | undefined) ?? null, inForce?.actor ?? actor.login);
    const reverted = await tx.triageDecision.findUniqueOrThrow({ where: { id: decisionId }, include: WITH_AUTHOR });
    return { decision: toDecision(reverted, false), current: inForce ? toDecision(inForce, true) : null };
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
    include: WITH_AUTHOR,
  });
  const latest = latestByPair(rows.filter((d) => !d.revert));
  return rows.map((d) => toDecision(d, latest.get(pairKey(d.reportId, d.otherId))?.id === d.id));
}
