"use client";
import { useId, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { Role, UserView } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";
import { fmtDateTime } from "@/components/format";
import { TableHead } from "@/components/TableHead";

const ROLES: Role[] = ["viewer", "triager", "admin"];

/** Every account: change a role, disable or enable; create a local account; set a local account's password. */
export function UsersTable({ users }: { users: UserView[] }) {
  const id = useId();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [, startTransition] = useTransition();

  const [notice, setNotice] = useState<string | null>(null);

  async function patch(userId: number, body: { role?: Role; disabled?: boolean; password?: string }): Promise<boolean> {
    setError(null);
    setNotice(null);
    try {
      await apiFetch(`/api/admin/users/${userId}`, { method: "PATCH", json: body });
      startTransition(() => router.refresh());
      return true;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    }
  }

  async function setPassword(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const user = local.find((u) => u.id === Number(form.get("user")));
    if (!user) return;
    if (await patch(user.id, { password: String(form.get("password")) })) {
      formEl.reset();
      setNotice(`New password set for ${user.login}; their sessions have ended. Tell them to sign in with it and change it on their Account page.`);
    }
  }

  async function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    setError(null);
    try {
      await apiFetch("/api/admin/users", { method: "POST", json: { login: form.get("login"), password: form.get("password"), role: form.get("role") } });
      formEl.reset();
      startTransition(() => router.refresh());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  const local = users.filter((u) => u.kind !== "system" && u.provider === "local");
  const field = "mt-1 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm";
  return (
    <section className="space-y-4">
      {error && <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-900">{error}</p>}
      {notice && <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">{notice}</p>}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="w-full text-left text-sm" data-testid="users-table">
          <TableHead columns={["Login", "Sign-in", "Role", "Last sign-in", "Status"]} />
          <tbody className="divide-y divide-slate-100">
            {users.map((u) => (
              <tr key={u.id} className={u.disabled ? "text-slate-500" : ""}>
                <td className="px-4 py-2 font-medium">{u.login}{u.email && <span className="ml-1 font-normal text-slate-500">{u.email}</span>}</td>
                <td className="px-4 py-2">{u.kind === "system" ? "system account" : u.provider}</td>
                <td className="px-4 py-2">
                  {u.kind === "system" ? (
                    u.role
                  ) : (
                    <select aria-label={`Role of ${u.login}`} value={u.role} onChange={(e) => patch(u.id, { role: e.target.value as Role })} className="rounded-md border border-slate-300 px-2 py-1 text-sm">
                      {ROLES.map((r) => (
                        <option key={r} value={r}>{r}</option>
                      ))}
                    </select>
                  )}
                </td>
                <td className="px-4 py-2">{u.lastLoginAt ? fmtDateTime(u.lastLoginAt) : "—"}</td>
                <td className="px-4 py-2">
                  {u.kind === "system" ? (
                    "—"
                  ) : (
                    <button type="button" onClick={() => patch(u.id, { disabled: !u.disabled })} className="rounded px-2 py-1 text-xs font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
                      {u.disabled ? "Enable" : "Disable"}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form onSubmit={create} aria-labelledby={`${id}-new`} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id={`${id}-new`} className="w-full text-sm font-semibold">New local account</h2>
        <div>
          <label htmlFor={`${id}-login`} className="block text-xs font-medium text-slate-700">Login</label>
          <input id={`${id}-login`} name="login" required maxLength={64} className={field} />
        </div>
        <div>
          <label htmlFor={`${id}-password`} className="block text-xs font-medium text-slate-700">Password (10+ characters)</label>
          <input id={`${id}-password`} name="password" type="password" required minLength={10} autoComplete="new-password" className={field} />
        </div>
        <div>
          <label htmlFor={`${id}-role`} className="block text-xs font-medium text-slate-700">Role</label>
          <select id={`${id}-role`} name="role" defaultValue="triager" className={field}>
            {ROLES.map((r) => (
              <option key={r} value={r}>{r}</option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">Create</button>
      </form>
      {local.length > 0 && (
        <form onSubmit={setPassword} aria-labelledby={`${id}-reset`} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <div className="w-full">
            <h2 id={`${id}-reset`} className="text-sm font-semibold">Set a password</h2>
            <p className="mt-0.5 text-xs text-slate-600">For a local account whose owner lost the password: their sessions end, and they sign in with the new one.</p>
          </div>
          <div>
            <label htmlFor={`${id}-reset-user`} className="block text-xs font-medium text-slate-700">Account</label>
            <select id={`${id}-reset-user`} name="user" required className={field}>
              {local.map((u) => (
                <option key={u.id} value={u.id}>{u.login}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-reset-password`} className="block text-xs font-medium text-slate-700">New password (10+ characters)</label>
            <input id={`${id}-reset-password`} name="password" type="password" required minLength={10} autoComplete="new-password" className={field} />
          </div>
          <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">Set password</button>
        </form>
      )}
    </section>
  );
}
