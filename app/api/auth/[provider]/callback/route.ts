// The provider's redirect back. Failures send the browser to the sign-in page with the reason, since a
// person is looking at this response, not a script.
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { clearPendingCookie, providerParam, readPending, redirectTo } from "@/lib/http/signin";
import { startSession } from "@/lib/http/session";
import { finishSignIn } from "@/lib/accounts/oauth";
import { signInExternal } from "@/lib/accounts/users";
import { config } from "@/lib/config";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (req, params) => {
  const provider = providerParam(params);
  const fail = (why: string) => redirectTo(req, `/signin?error=${encodeURIComponent(why.slice(0, 300))}`, [clearPendingCookie(req)]);
  const pending = readPending(req, provider);
  if (!pending) return fail("The sign-in took too long or was started in another browser; try again.");
  const cfg = config();
  let identity;
  try {
    const callbackUrl = new URL(req.url);
    // Behind a proxy the request URL is the internal one; the provider checks the redirect_uri we sent.
    if (cfg.auth.publicUrl) {
      const pub = new URL(cfg.auth.publicUrl);
      callbackUrl.protocol = pub.protocol;
      callbackUrl.host = pub.host;
    }
    identity = await finishSignIn(cfg.auth, pending, callbackUrl);
  } catch (e) {
    console.error(`bugsift: ${provider} sign-in failed: ${e instanceof Error ? e.message : String(e)}`);
    return fail(`Sign-in with ${provider === "oidc" ? (cfg.auth.oidc?.name ?? "OpenID Connect") : "GitHub"} failed: ${e instanceof Error ? e.message : "unknown error"}`);
  }
  const db = serverCore().db;
  const user = await signInExternal(db, identity, cfg.auth.defaultRole);
  if (!user) return fail("This account is disabled; ask an admin.");
  const s = await startSession(db, req, { userId: user.id, login: user.login, role: user.role });
  return redirectTo(req, pending.returnTo, [clearPendingCookie(req), s.setCookie]);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
