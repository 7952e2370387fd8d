import Link from "next/link";
import { NavLinks } from "@/components/NavLinks";

/** `account`: the signed-in account (login and role), or null; the Admin link shows for admins only. */
export function SiteHeader({ account }: { account: { login: string; role: string } | null }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight text-slate-900">
          <span aria-hidden="true" className="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-sm font-bold text-white">
            b
          </span>
          bugsift
        </Link>
        <NavLinks showAdmin={account?.role === "admin"} />
        <div className="ml-auto text-sm" data-testid="account-nav">
          {account ? (
            <Link href="/account" className="rounded-md px-2.5 py-1.5 font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900">
              {account.login} <span className="font-normal text-slate-500">· {account.role}</span>
            </Link>
          ) : (
            <Link href="/signin" className="rounded-md px-2.5 py-1.5 font-medium text-indigo-700 hover:bg-indigo-50">
              Sign in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
