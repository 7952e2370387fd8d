"use client";
import { useId, useState } from "react";
import { useRouter } from "next/navigation";
import type { LoginResponse } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";

/** Admin login: the token is sent once; the server answers with an httpOnly session cookie. */
export function LoginForm() {
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const token = String(new FormData(e.currentTarget).get("token") ?? "");
    if (!token) {
      setError("Enter the admin token.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await apiFetch<LoginResponse>("/api/admin/login", { method: "POST", json: { token } });
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby={`${id}-title`} className="mx-auto max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <div>
        <h1 id={`${id}-title`} className="text-xl font-semibold">Admin sign-in</h1>
        <p className="mt-1 text-sm text-slate-600">
          <a href="/signin?returnTo=/admin" className="font-medium text-indigo-700 hover:underline">Sign in with your account</a>, or use the
          server&apos;s bootstrap admin token (<span className="font-mono">ADMIN_TOKEN</span> or <span className="font-mono">data/admin-token</span>).
        </p>
      </div>
      <div>
        <label htmlFor={`${id}-token`} className="block text-sm font-medium text-slate-800">Admin token</label>
        <input
          id={`${id}-token`}
          name="token"
          type="password"
          autoFocus
          autoComplete="current-password"
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-err` : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30"
        />
        {error && (
          <p id={`${id}-err`} role="alert" className="mt-1 text-sm text-rose-700">{error}</p>
        )}
      </div>
      <button type="submit" disabled={busy} className="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-60">
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
