// The audit trail of actions outside triage (triage has its own: decisions, authors, reverts).
import type { PrismaClient } from "@/lib/db/client";
import type { Actor } from "@/lib/accounts/actor";

export type AuditAction =
  | "import"
  | "reindex"
  | "model.activate"
  | "thresholds.calibrate"
  | "report.create"
  | "report.update"
  | "report.delete"
  | "user.create"
  | "user.update"
  | "token.create"
  | "token.revoke"
  | "sessions.revoke"
  | "password.change";

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
  actor: string;
  createdAt: string;
}

export async function recentEvents(db: PrismaClient, limit = 50): Promise<AuditEventView[]> {
  const rows = await db.auditEvent.findMany({ orderBy: { id: "desc" }, take: limit, include: { user: { select: { login: true } } } });
  return rows.map((r) => ({ id: r.id, action: r.action, target: r.target, actor: r.user.login, createdAt: r.createdAt.toISOString() }));
}
