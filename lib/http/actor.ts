// The actor of a write is the signed-in account (session cookie or personal API token; the bootstrap admin
// token acts as the system account "admin-token"), never a name the caller types. Routes that record who
// did something take it from here. Non-HTTP callers (CLIs, sync bots) use systemActor() from
// lib/accounts/actor.ts instead.
import type { Actor } from "@/lib/accounts/actor";
import type { RequestAuth } from "@/lib/http/auth";
import { ApiError } from "@/lib/http/errors";

/** The account performing this request; 401 when anonymous (the access table normally stops that first). */
export function requestActor(auth: RequestAuth): Actor {
  if (!auth.actor) throw new ApiError(401, "unauthorized", auth.refused ?? "sign in to do this");
  return auth.actor;
}
