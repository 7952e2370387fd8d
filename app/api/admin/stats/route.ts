import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { serverCore } from "@/lib/runtime/server";
import { stats } from "@/lib/status/stats";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async () => json(await stats(serverCore())));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
