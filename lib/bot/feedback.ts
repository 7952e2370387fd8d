// A triager's answer in the tracker, recorded through the triage use case (lib/triage/record.ts) with the
// tracker user as the actor (the system account "github.octocat" for "github:octocat"): closing a report as a duplicate links it to its master;
// the "not a duplicate" command (lib/bot/commands.ts) records a not_duplicate verdict, which the duplicate
// check honours from then on.
import type { Core } from "@/lib/core";
import type { Verdict } from "@/lib/domain/types";
import { pairKey } from "@/lib/corpus/rows";
import { currentVerdicts } from "@/lib/dedup/verdicts";
import { recordDecision } from "@/lib/triage/record";
import { systemActor } from "@/lib/accounts/actor";

/**
 * The account a tracker user's answers are recorded as: a system account per tracker user ("github:octocat" ->
 * "github.octocat"), so the history names who answered in the tracker, and no one can sign in as it.
 */
export function trackerAccountLogin(trackerUser: string): string {
  const login = trackerUser
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, ".")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 64);
  return login || "tracker";
}

/** Records `verdict` between a report and each of `others` (external ids of the same source); returns how many were new. */
export async function recordTrackerVerdicts(
  core: Core,
  source: string,
  externalId: string,
  others: string[],
  verdict: Verdict,
  actor: string,
): Promise<number> {
  if (others.length === 0) return 0;
  const prisma = core.db;
  const self = await prisma.report.findUnique({ where: { source_externalId: { source, externalId } }, select: { id: true } });
  if (!self) return 0;
  const rows = await prisma.report.findMany({ where: { source, externalId: { in: others } }, select: { id: true, externalId: true } });
  const current = await currentVerdicts(prisma, [self.id]);
  const account = await systemActor(prisma, trackerAccountLogin(actor), "triager");
  let recorded = 0;
  for (const other of rows) {
    if (other.id === self.id) continue;
    // The same answer seen again (a redelivered event, a later edit) adds no second decision.
    if (current.get(pairKey(self.id, other.id)) === verdict) continue;
    await recordDecision(core, { reportId: self.id, otherId: other.id, verdict, actor: account, note: "from the tracker" });
    recorded++;
  }
  return recorded;
}
