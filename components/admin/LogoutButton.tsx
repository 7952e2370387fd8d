"use client";
import { useRouter } from "next/navigation";
import { apiFetch } from "@/components/api-client";

export function LogoutButton() {
  const router = useRouter();
  return (
    <button
      type="button"
      onClick={async () => {
        await apiFetch("/api/auth/logout", { method: "POST" }).catch(() => undefined);
        router.refresh();
      }}
      className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
    >
      Sign out
    </button>
  );
}
