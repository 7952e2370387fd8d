// Server-side data loading for pages: use cases throw domain errors for expected failures (not found,
// model missing, bad filter), which get the same status as over the API (lib/http/respond.ts asApiError).
// Pages render those inline instead of falling into the error boundary, so one failing panel does not
// blank the page.
import { asApiError } from "@/lib/http/respond";

export type Attempt<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

export async function attempt<T>(fn: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    const expected = asApiError(e);
    if (expected) return { ok: false, status: expected.status, message: expected.message };
    console.error("[ui] unexpected error while loading page data:", e);
    return { ok: false, status: 500, message: "Unexpected server error (details are in the server log)." };
  }
}

/** First value of a search param. */
export function param(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
}

/** A /reports/[id] segment as a report id (a positive 32-bit integer), else null. */
export function reportIdParam(raw: string): number | null {
  return /^\d{1,10}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 2 ** 31 - 1 ? Number(raw) : null;
}
