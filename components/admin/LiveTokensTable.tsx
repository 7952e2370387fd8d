import type { OwnedApiTokenView } from "@/lib/http/schemas";
import { fmtDateTime, fmtExpiry } from "@/components/format";
import { TableHead } from "@/components/TableHead";

/** Every account's live API tokens with their expiry, so an admin sees what can still call the API. */
export function LiveTokensTable({ tokens, now }: { tokens: OwnedApiTokenView[]; now: number }) {
  return (
    <section aria-labelledby="live-tokens-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 id="live-tokens-title" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">API tokens</h2>
      {tokens.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-600">No live tokens.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="live-tokens">
            <TableHead columns={["Owner", "Name", "Token", "Role", "Last used", "Expires"]} />
            <tbody className="divide-y divide-slate-100">
              {tokens.map((t) => (
                <tr key={t.id} data-token-id={t.id}>
                  <td className="px-4 py-2">{t.owner}</td>
                  <td className="px-4 py-2">{t.name}</td>
                  <td className="px-4 py-2 font-mono text-xs">{t.prefix}…</td>
                  <td className="px-4 py-2">{t.role}</td>
                  <td className="px-4 py-2">{t.lastUsedAt ? fmtDateTime(t.lastUsedAt) : "never"}</td>
                  <td className="px-4 py-2" data-testid="token-expires">
                    {fmtExpiry(t.expiresAt, now)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
