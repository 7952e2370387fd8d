import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { serverCore } from "@/lib/runtime/server";
import { health } from "@/lib/status/health";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async () => {
  const h = await health(serverCore());
  return json(h, h.ok ? 200 : 503);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
