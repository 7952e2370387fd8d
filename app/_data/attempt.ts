// Server-side data loading for pages: lib services throw ApiError (with an HTTP status) for
// expected failures — not found, model missing (503), bad filter (400). Pages render those inline
// instead of falling into the error boundary, so one failing panel does not blank the page.
import { ApiError } from "@/lib/http/errors";

export type Attempt<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

export async function attempt<T>(fn: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, status: e.status, message: e.message };
    console.error("[ui] unexpected error while loading page data:", e);
    return { ok: false, status: 500, message: "Unexpected server error (details are in the server log)." };
  }
}

/** First value of a search param. */
export function param(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
}
