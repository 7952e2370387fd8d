import { ApiError } from "@/lib/http/errors";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { readJson } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { LoginRequestSchema } from "@/lib/http/schemas";
import { checkToken, createSession, SESSION_COOKIE } from "@/lib/http/auth";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(async (req) => {
  const { token } = LoginRequestSchema.parse(await readJson(req, 4096));
  if (!checkToken(token)) throw new ApiError(401, "unauthorized", "wrong admin token");
  const s = createSession();
  const secure = new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
  const cookie = [
    `${SESSION_COOKIE}=${encodeURIComponent(s.value)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${Math.floor((s.expiresAt.getTime() - Date.now()) / 1000)}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
  return json({ ok: true, expiresAt: s.expiresAt.toISOString() }, 200, { "set-cookie": cookie });
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
