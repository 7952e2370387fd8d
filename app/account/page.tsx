import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentActor } from "@/app/_data/viewer";
import { listApiTokens } from "@/lib/accounts/tokens";
import { getUser } from "@/lib/accounts/users";
import { serverCore } from "@/lib/runtime/server";
import { TokensPanel } from "@/components/account/TokensPanel";
import { SessionButtons } from "@/components/account/SessionButtons";
import { PasswordForm } from "@/components/account/PasswordForm";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const actor = await currentActor();
  if (!actor) redirect("/signin?returnTo=/account");
  const [tokens, user] = await Promise.all([listApiTokens(serverCore().db, actor.userId), getUser(serverCore().db, actor.userId)]);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold tracking-tight sm:text-2xl">{actor.login}</h1>
          <p className="mt-1 text-sm text-slate-600">
            Role: <span className="font-medium text-slate-800" data-testid="account-role">{actor.role}</span>
          </p>
        </div>
        <SessionButtons />
      </div>
      <TokensPanel tokens={tokens} role={actor.role} now={Date.now()} />
      {user.provider === "local" && <PasswordForm />}
    </div>
  );
}
