"use client";
import { useId, useState } from "react";
import { apiFetch } from "@/components/api-client";

/** A local account's password change; the account's other sessions end. */
export function PasswordForm() {
  const id = useId();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    setMessage(null);
    try {
      await apiFetch("/api/account/password", { method: "POST", json: { current: form.get("current"), password: form.get("password") } });
      formEl.reset();
      setMessage({ ok: true, text: "Password changed; your other sessions were signed out." });
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  }

  const field = "mt-1 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm";
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-title`} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id={`${id}-title`} className="w-full text-sm font-semibold">Password</h2>
      <div>
        <label htmlFor={`${id}-current`} className="block text-xs font-medium text-slate-700">Current password</label>
        <input id={`${id}-current`} name="current" type="password" required autoComplete="current-password" className={field} />
      </div>
      <div>
        <label htmlFor={`${id}-new`} className="block text-xs font-medium text-slate-700">New password (10+ characters)</label>
        <input id={`${id}-new`} name="password" type="password" required minLength={10} autoComplete="new-password" className={field} />
      </div>
      <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">Change password</button>
      {message && (
        <p role={message.ok ? "status" : "alert"} className={`w-full text-sm ${message.ok ? "text-emerald-800" : "text-rose-700"}`}>
          {message.text}
        </p>
      )}
    </form>
  );
}
