import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { can, currentActor } from "@/app/_data/viewer";
import { listUsers } from "@/lib/accounts/users";
import { listLiveApiTokens } from "@/lib/accounts/tokens";
import { serverCore } from "@/lib/runtime/server";
import { ErrorNote } from "@/components/ErrorNote";
import { UsersTable } from "@/components/admin/UsersTable";
import { LiveTokensTable } from "@/components/admin/LiveTokensTable";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await currentActor();
  if (!actor) redirect("/signin?returnTo=/admin/users");
  if (!can(actor, "admin")) return <ErrorNote title="Admins only" message={`You are signed in as ${actor.login} (${actor.role}).`} />;
  const db = serverCore().db;
  const [users, tokens] = await Promise.all([listUsers(db), listLiveApiTokens(db)]);
  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin" className="text-sm text-slate-600 hover:text-indigo-700 hover:underline">← Admin</Link>
        <h1 className="mt-1 text-xl font-semibold tracking-tight sm:text-2xl">Users</h1>
        <p className="mt-1 text-sm text-slate-600">Roles: viewer (search, read), triager (verdicts, file reports), admin (everything).</p>
      </div>
      <UsersTable users={users} />
      <LiveTokensTable tokens={tokens} now={Date.now()} />
    </div>
  );
}
