"use client";
import { useId, useState } from "react";
import type { SessionResponse } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";

interface Props {
  providers: { id: string; name: string }[];
  returnTo: string;
  /** Why a provider sign-in came back without a session. */
  error: string | null;
}

/** Local accounts (login + password) and one button per configured identity provider. */
export function SignInForm({ providers, returnTo, error: initialError }: Props) {
  const id = useId();
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await apiFetch<SessionResponse>("/api/auth/login", { method: "POST", json: { login: form.get("login"), password: form.get("password") } });
      // A full navigation, so the server-rendered header and pages see the new session.
      window.location.assign(returnTo);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  const input =
    "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30";
  return (
    <div className="mx-auto max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 id={`${id}-title`} className="text-xl font-semibold">Sign in</h1>
      {error && (
        <p id={`${id}-err`} role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-900">
          {error}
        </p>
      )}
      {providers.length > 0 && (
        <div className="space-y-2">
          {providers.map((p) => (
            <a
              key={p.id}
              href={`/api/auth/${p.id}/start?returnTo=${encodeURIComponent(returnTo)}`}
              className="block w-full rounded-md border border-slate-300 bg-white px-4 py-2 text-center text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50"
            >
              Sign in with {p.name}
            </a>
          ))}
          <p className="text-center text-xs text-slate-500">or with a local account</p>
        </div>
      )}
      <form onSubmit={submit} aria-labelledby={`${id}-title`} className="space-y-3">
        <div>
          <label htmlFor={`${id}-login`} className="block text-sm font-medium text-slate-800">Login</label>
          <input id={`${id}-login`} name="login" autoComplete="username" required className={input} />
        </div>
        <div>
          <label htmlFor={`${id}-password`} className="block text-sm font-medium text-slate-800">Password</label>
          <input id={`${id}-password`} name="password" type="password" autoComplete="current-password" required className={input} />
        </div>
        <button type="submit" disabled={busy} className="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-60">
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
