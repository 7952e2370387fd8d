import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { stopSession } from "@/lib/http/session";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
/** Same as POST /api/auth/logout (kept for the admin page's older clients). */
export const POST = route(async (req, _params, auth) => json({ ok: true }, 200, { "set-cookie": await stopSession(serverCore().db, req, auth) }));

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
