// Who performed a triage action: an `actor` body field or the x-bugsift-actor header.
// Not authentication (public triage is trusted input on a self-hosted tracker); only validated.
import { ValidationError } from "@/lib/domain/errors";
import { ActorSchema } from "@/lib/http/schemas";

export const ACTOR_HEADER = "x-bugsift-actor";

/** The validated actor, or an Error naming the problem. Body value wins over the header. */
export function resolveActor(bodyActor: string | undefined, headerValue: string | null): string {
  const raw = bodyActor ?? headerValue ?? undefined;
  if (raw === undefined || raw.trim() === "") {
    throw actorError(`actor is required (send an "actor" field or the ${ACTOR_HEADER} header)`);
  }
  const r = ActorSchema.safeParse(raw);
  if (!r.success) throw actorError(`actor: ${r.error.issues[0]?.message ?? "invalid"}`);
  return r.data;
}

const actorError = (message: string) => new ValidationError(message, [{ path: "actor", message }]);
