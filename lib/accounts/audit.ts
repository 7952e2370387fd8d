// The audit trail of actions outside triage (triage has its own: decisions, authors, reverts).
import type { PrismaClient } from "@/lib/db/client";
import type { Actor } from "@/lib/accounts/actor";

export const AUDIT_ACTIONS = [
  "import",
  "reindex",
  "model.activate",
  "thresholds.calibrate",
  "report.create",
  "report.update",
  "report.delete",
  "user.create",
  "user.update",
  "token.create",
  "token.revoke",
  "sessions.revoke",
  "password.change",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export async function recordEvent(db: PrismaClient, actor: Actor, action: AuditAction, target?: string | number | null, detail?: unknown): Promise<void> {
  await db.auditEvent.create({
    data: {
      userId: actor.userId,
      action,
      target: target === undefined || target === null ? null : String(target),
      detail: detail === undefined ? null : JSON.stringify(detail),
    },
  });
}

export interface AuditEventView {
  id: number;
  action: string;
  target: string | null;
  /** The account's login (system accounts: "admin-token", "cli", a tracker's bot user). */
  actor: string;
  /** What the action was given (a role, a job's options, the fields an edit changed); never a secret. */
  detail: unknown;
  createdAt: string;
}

export interface AuditQuery {
  limit: number;
  /** Only events older than this id (the previous page's `before`). */
  before?: number;
  action?: AuditAction;
  /** Only events by this login. */
  actor?: string;
}

/** Newest first, one page; `before` is the cursor of the next (older) page, null on the last. */
export async function auditEvents(db: PrismaClient, q: AuditQuery): Promise<{ events: AuditEventView[]; before: number | null }> {
  const rows = await db.auditEvent.findMany({
    where: {
      ...(q.before !== undefined ? { id: { lt: q.before } } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.actor ? { user: { login: q.actor } } : {}),
    },
    orderBy: { id: "desc" },
    take: q.limit + 1,
    include: { user: { select: { login: true } } },
  });
  const page = rows.slice(0, q.limit);
  return {
    events: page.map((r) => ({ id: r.id, action: r.action, target: r.target, actor: r.user.login, detail: parseDetail(r.detail), createdAt: r.createdAt.toISOString() })),
    before: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

function parseDetail(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
