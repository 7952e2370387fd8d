import { otherMethods } from "@/lib/http/methods";
import { queryObject } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { SignInStartQuerySchema } from "@/lib/http/schemas";
import { pendingCookie, providerParam, redirectTo, redirectUri } from "@/lib/http/signin";
import { beginSignIn } from "@/lib/accounts/oauth";
import { config } from "@/lib/config";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (req, params) => {
  const provider = providerParam(params);
  const { returnTo } = SignInStartQuerySchema.parse(queryObject(req));
  const { url, pending } = await beginSignIn(config().auth, provider, redirectUri(req, provider), returnTo);
  const res = redirectTo(req, "/", [pendingCookie(req, pending)]);
  res.headers.set("location", url);
  return res;
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
