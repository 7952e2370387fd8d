"use client";
import { useId, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { ApiTokenView, Role } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";
import { fmtDateTime, fmtExpiry } from "@/components/format";
import { TableHead } from "@/components/TableHead";

const ROLE_ORDER: Role[] = ["viewer", "triager", "admin"];

/**
 * Personal API tokens: create (the secret is shown once, optionally with an expiry), list with last use and
 * expiry, revoke. `now` comes from the server render, so the "expired" marks hydrate the same on the client.
 */
export function TokensPanel({ tokens, role, now }: { tokens: ApiTokenView[]; role: Role; now: number }) {
  const id = useId();
  const router = useRouter();
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, startTransition] = useTransition();
  const roles = ROLE_ORDER.slice(0, ROLE_ORDER.indexOf(role) + 1);

  async function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    setError(null);
    try {
      const expires = String(form.get("expiresAt") ?? "");
      const json = { name: form.get("name"), role: form.get("role"), ...(expires ? { expiresAt: expires } : {}) };
      const r = await apiFetch<{ token: string }>("/api/account/tokens", { method: "POST", json });
      setCreated(r.token);
      formEl.reset(); // the next token starts from a blank form, not this one's name and expiry
      startTransition(() => router.refresh());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  async function revoke(tokenId: number) {
    setError(null);
    try {
      await apiFetch(`/api/account/tokens/${tokenId}`, { method: "DELETE" });
      startTransition(() => router.refresh());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <section aria-labelledby={`${id}-title`} className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 id={`${id}-title`} className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">API tokens</h2>
      <form onSubmit={create} className="flex flex-wrap items-end gap-3 px-4 py-3">
        <div>
          <label htmlFor={`${id}-name`} className="block text-xs font-medium text-slate-700">Name</label>
          <input id={`${id}-name`} name="name" required maxLength={100} placeholder="e.g. nightly import" className="mt-1 w-56 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm" />
        </div>
        <div>
          <label htmlFor={`${id}-role`} className="block text-xs font-medium text-slate-700">Role</label>
          <select id={`${id}-role`} name="role" defaultValue="viewer" className="mt-1 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm">
            {roles.map((r) => (
              <option key={r} value={r}>{r}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-expires`} className="block text-xs font-medium text-slate-700">Expires (optional)</label>
          <input id={`${id}-expires`} name="expiresAt" type="date" className="mt-1 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm" />
        </div>
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">Create token</button>
      </form>
      {created && (
        <div role="status" className="mx-4 mb-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Copy this token now; it is not shown again:
          <code data-testid="new-token" className="mt-1 block break-all font-mono text-xs">{created}</code>
        </div>
      )}
      {error && <p role="alert" className="mx-4 mb-3 text-sm text-rose-700">{error}</p>}
      {tokens.length === 0 ? (
        <p className="px-4 pb-3 text-sm text-slate-600">No tokens yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <TableHead columns={["Name", "Token", "Role", "Created", "Last used", "Expires", { hidden: "Actions" }]} />
            <tbody className="divide-y divide-slate-100">
              {tokens.map((t) => (
                <tr key={t.id} className={t.revokedAt ? "text-slate-500" : ""}>
                  <td className="px-4 py-2">{t.name}</td>
                  <td className="px-4 py-2 font-mono text-xs">{t.prefix}…</td>
                  <td className="px-4 py-2">{t.role}</td>
                  <td className="px-4 py-2">{fmtDateTime(t.createdAt)}</td>
                  <td className="px-4 py-2">{t.lastUsedAt ? fmtDateTime(t.lastUsedAt) : "never"}</td>
                  <td className="px-4 py-2" data-testid="token-expires">{fmtExpiry(t.expiresAt, now)}</td>
                  <td className="px-4 py-2 text-right">
                    {t.revokedAt ? (
                      <span className="text-xs">revoked {fmtDateTime(t.revokedAt)}</span>
                    ) : (
                      <button type="button" onClick={() => revoke(t.id)} className="rounded px-2 py-1 text-xs font-medium text-rose-700 ring-1 ring-inset ring-rose-200 hover:bg-rose-50">
                        Revoke
                      </button>
                    )}
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
