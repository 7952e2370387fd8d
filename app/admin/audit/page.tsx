import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { can, currentActor } from "@/app/_data/viewer";
import { AUDIT_ACTIONS, auditEvents } from "@/lib/accounts/audit";
import { AuditQuerySchema } from "@/lib/http/schemas";
import { serverCore } from "@/lib/runtime/server";
import { ErrorNote } from "@/components/ErrorNote";
import { AuditTable } from "@/components/admin/AuditTable";

export const metadata: Metadata = { title: "Audit log" };

type SP = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

/** Who did what outside triage (verdicts have their own trail on each report), newest first, filterable. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<SP> }) {
  const actor = await currentActor();
  if (!actor) redirect("/signin?returnTo=/admin/audit");
  if (!can(actor, "admin")) return <ErrorNote title="Admins only" message={`You are signed in as ${actor.login} (${actor.role}).`} />;
  const sp = await searchParams;
  const q = AuditQuerySchema.safeParse({ action: one(sp.action), actor: one(sp.actor), before: one(sp.before) });
  if (!q.success) return <ErrorNote title="Bad filter" message={q.error.issues.map((i) => i.message).join("; ")} />;
  const { events, before } = await auditEvents(serverCore().db, q.data);
  const filters = new URLSearchParams(Object.entries({ action: q.data.action, actor: q.data.actor }).filter((e): e is [string, string] => !!e[1]));
  const field = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin" className="text-sm text-slate-600 hover:text-indigo-700 hover:underline">← Admin</Link>
        <h1 className="mt-1 text-xl font-semibold tracking-tight sm:text-2xl">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">
          Imports, re-indexes, model activations, threshold changes, report edits and account changes, with the account that made
          them. Verdicts and their reverts are listed on each report.
        </p>
      </div>
      <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Filter the audit log">
        <div>
          <label htmlFor="audit-action" className="block text-xs font-medium text-slate-700">Action</label>
          <select id="audit-action" name="action" defaultValue={q.data.action ?? ""} className={field}>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-actor" className="block text-xs font-medium text-slate-700">Account (login)</label>
          <input id="audit-actor" name="actor" defaultValue={q.data.actor ?? ""} className={field} autoComplete="off" />
        </div>
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">Filter</button>
        {filters.size > 0 && <Link href="/admin/audit" className="text-sm text-slate-600 hover:underline">Clear</Link>}
      </form>
      <AuditTable events={events} />
      {before !== null && (
        <Link href={`/admin/audit?${new URLSearchParams([...filters, ["before", String(before)]])}`} className="inline-block text-sm font-medium text-indigo-700 hover:underline" rel="next">
          Older events →
        </Link>
      )}
    </div>
  );
}
