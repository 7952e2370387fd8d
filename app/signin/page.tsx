import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { param } from "@/app/_data/attempt";
import { currentActor } from "@/app/_data/viewer";
import { configuredProviders } from "@/lib/accounts/oauth";
import { SignInStartQuerySchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { SignInForm } from "@/components/account/SignInForm";

export const metadata: Metadata = { title: "Sign in" };

type SP = Record<string, string | string[] | undefined>;

export default async function SignInPage({ searchParams }: { searchParams: Promise<SP> }) {
  const sp = await searchParams;
  const parsed = SignInStartQuerySchema.safeParse({ returnTo: param(sp.returnTo) || undefined });
  const returnTo = parsed.success ? parsed.data.returnTo : "/";
  if (await currentActor()) redirect(returnTo);
  const providers = configuredProviders(config().auth);
  return <SignInForm providers={providers} returnTo={returnTo} error={param(sp.error) || null} />;
}
