import Link from "next/link";
import type { AuditEventView } from "@/lib/accounts/audit";
import { fmtDateTime } from "@/components/format";
import { TableHead } from "@/components/TableHead";

/** What an action's target id points at, when it has a page. */
function targetOf(e: AuditEventView) {
  if (e.target === null) return "—";
  if (e.action.startsWith("report.") && e.action !== "report.delete") return <Link href={`/reports/${e.target}`} className="text-indigo-700 hover:underline">report {e.target}</Link>;
  if (e.action.startsWith("user.")) return `account ${e.target}`;
  if (e.action.startsWith("token.")) return `token ${e.target}`;
  if (e.action === "import" || e.action === "reindex") return `job ${e.target}`;
  if (e.action === "model.activate") return `model ${e.target}`;
  return e.target;
}

/** The detail as short key: value text (it is what the action was given, never a secret). */
function detailOf(detail: unknown): string {
  if (detail === null || detail === undefined) return "";
  if (Array.isArray(detail)) return detail.join(", ");
  if (typeof detail === "object") return Object.entries(detail as Record<string, unknown>).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`).join(", ");
  return String(detail);
}

export function AuditTable({ events }: { events: AuditEventView[] }) {
  return (
    <section aria-labelledby="audit-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 id="audit-title" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">Events</h2>
      {events.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-600">No events match.</p>
      ) : (
        <>
        {/* Phones get one card per event: five columns of which one is free text do not fit 390 px. */}
        <ul className="divide-y divide-slate-100 text-sm sm:hidden" data-testid="audit-list">
          {events.map((e) => (
            <li key={e.id} data-event-id={e.id} className="px-4 py-3">
              <p className="text-xs text-slate-600">{fmtDateTime(e.createdAt)} · {e.actor}</p>
              <p className="mt-1"><span className="font-mono text-xs">{e.action}</span> · {targetOf(e)}</p>
              {e.detail !== null && e.detail !== undefined && <p className="wrap-anywhere mt-1 text-slate-700">{detailOf(e.detail)}</p>}
            </li>
          ))}
        </ul>
        <div className="hidden overflow-x-auto sm:block">
          <table className="w-full text-left text-sm" data-testid="audit-table">
            <TableHead columns={["When", "Account", "Action", "Target", "Detail"]} />
            <tbody className="divide-y divide-slate-100">
              {events.map((e) => (
                <tr key={e.id} data-event-id={e.id}>
                  <td className="whitespace-nowrap px-4 py-2">{fmtDateTime(e.createdAt)}</td>
                  <td className="px-4 py-2">{e.actor}</td>
                  <td className="px-4 py-2 font-mono text-xs">{e.action}</td>
                  <td className="px-4 py-2">{targetOf(e)}</td>
                  <td className="wrap-anywhere px-4 py-2 text-slate-700">{detailOf(e.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        </>
      )}
    </section>
  );
}
