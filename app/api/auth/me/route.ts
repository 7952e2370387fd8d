import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import type { MeResponse } from "@/lib/http/schemas";
import { configuredProviders } from "@/lib/accounts/oauth";
import { config } from "@/lib/config";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async (_req, _params, auth) => {
  const a = auth.actor;
  const body: MeResponse = {
    user: a ? { id: a.userId, login: a.login, role: a.role } : null,
    via: auth.via,
    publicRead: config().auth.publicRead,
    providers: configuredProviders(config().auth),
  };
  return json(body);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
