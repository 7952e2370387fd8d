import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { serverCore } from "@/lib/runtime/server";
import { listSyncSources } from "@/lib/sync/admin";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(async () => json({ sources: await listSyncSources(serverCore()) }));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
