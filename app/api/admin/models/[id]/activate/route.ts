import { idParam, route } from "@/lib/http/handler";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { activateModel } from "@/lib/jobs/models";
import { serverCore } from "@/lib/runtime/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(async (_req, params) => json(await activateModel(serverCore(), idParam(params)), 202), { admin: true });

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"], { admin: true });
