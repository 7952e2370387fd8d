"use client";
import { apiFetch } from "@/components/api-client";

const btn = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50";

/** Sign out here, or end every session of the account (other browsers and devices too). */
export function SessionButtons() {
  const leave = async (path: string) => {
    await apiFetch(path, { method: "POST" }).catch(() => undefined);
    window.location.assign("/");
  };
  return (
    <div className="flex flex-wrap gap-2">
      <button type="button" onClick={() => leave("/api/auth/logout")} className={btn}>
        Sign out
      </button>
      <button type="button" onClick={() => leave("/api/auth/logout-all")} className={btn}>
        Sign out everywhere
      </button>
    </div>
  );
}
