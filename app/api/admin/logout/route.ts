import { json, otherMethods, route } from "@/lib/api/index";
import { SESSION_COOKIE } from "@/lib/auth/token";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(async () =>
  json({ ok: true }, 200, { "set-cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0` }),
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
