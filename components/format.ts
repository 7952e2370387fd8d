// Small formatting helpers shared by server and client components (deterministic: UTC, en-US).

const DATE = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
const DATE_TIME = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  // hourCycle, not hour12: false: with hour12: false Node's ICU writes the first hour of a day as "24:35" while
  // browsers write "00:35", so server-rendered times after midnight failed to hydrate.
  hourCycle: "h23",
  timeZone: "UTC",
});

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "—" : DATE.format(d);
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "—" : `${DATE_TIME.format(d)} UTC`;
}

/** A token's expiry for lists: "never", the time, or "expired <time>" once `now` has passed it. */
export function fmtExpiry(expiresAt: string | null, now: number): string {
  if (!expiresAt) return "never";
  return `${Date.parse(expiresAt) <= now ? "expired " : ""}${fmtDateTime(expiresAt)}`;
}

export function fmtNum(n: number | null | undefined, digits = 3): string {
  return typeof n === "number" && Number.isFinite(n) ? n.toFixed(digits) : "—";
}

export function fmtPct(n: number | null | undefined): string {
  return typeof n === "number" && Number.isFinite(n) ? `${Math.round(n * 100)}%` : "—";
}

export function fmtInt(n: number | null | undefined): string {
  return typeof n === "number" && Number.isFinite(n) ? n.toLocaleString("en-US") : "—";
}

/** "HADOOP-1234" style label for a report: its tracker id, else "#id". */
export function reportKey(r: { id: number; externalId?: string | null }): string {
  return r.externalId ? r.externalId : `#${r.id}`;
}

export const VERDICT_LABEL: Record<string, string> = {
  duplicate: "Duplicate",
  not_duplicate: "Not a duplicate",
  related: "Related",
};
