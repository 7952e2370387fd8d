// The provider's redirect back. Failures send the browser to the sign-in page with the reason, since a
// person is looking at this response, not a script.
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { clearPendingCookie, providerParam, readPending, redirectTo, requestOrigin } from "@/lib/http/signin";
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
    // The token request repeats the redirect_uri, taken from this URL: rebuild it on the origin the
    // browser used (the request URL may carry the server's own listen address).
    const url = new URL(req.url);
    const callbackUrl = new URL(`${url.pathname}${url.search}`, requestOrigin(req));
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
