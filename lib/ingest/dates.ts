// Date parsing for tracker exports. Accepts ISO 8601 (Bugzilla, GitHub, our JSONL),
// "YYYY-MM-DD HH:MM[:SS]" (treated as UTC), Jira's "30/Sep/21 17:20" / "30/Sep/21 5:20 PM"
// (treated as UTC: Jira writes the exporting user's zone and does not say which), and Unix
// epoch numbers (seconds or milliseconds). Anything else is an error, never a guess.

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;
const JIRA = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?$/i;

/** Parses a date or throws an Error naming the bad value. */
export function parseDate(value: unknown, field = "date"): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error(`${field}: invalid date`);
    return value;
  }
  if (typeof value === "number") return fromEpoch(value, field);
  if (typeof value !== "string" || value.trim() === "") throw new Error(`${field}: missing date`);
  const s = value.trim();
  if (/^\d{9,13}$/.test(s)) return fromEpoch(Number(s), field);
  if (ISO.test(s)) {
    // No zone given: read as UTC rather than the server's local zone, so imports are reproducible.
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(s) && s.length > 10;
    const norm = s.replace(" ", "T") + (hasZone || s.length === 10 ? "" : "Z");
    const d = new Date(s.length === 10 ? `${s}T00:00:00Z` : norm);
    if (!Number.isNaN(d.getTime()) && validCalendar(s, d)) return d;
    throw new Error(`${field}: invalid date "${s}"`);
  }
  const m = JIRA.exec(s);
  if (m) {
    const [, dd, mon, yy, hh, mi, ss, ampm] = m;
    const month = MONTHS[mon!.toLowerCase()];
    let year = Number(yy);
    if (yy!.length === 2) year += year >= 70 ? 1900 : 2000;
    let hour = Number(hh);
    if (ampm) {
      if (hour < 1 || hour > 12) throw new Error(`${field}: invalid date "${s}"`);
      hour = (hour % 12) + (ampm.toUpperCase() === "PM" ? 12 : 0);
    }
    const day = Number(dd);
    if (month !== undefined && hour < 24 && Number(mi) < 60) {
      const d = new Date(Date.UTC(year, month, day, hour, Number(mi), Number(ss ?? 0)));
      if (d.getUTCDate() === day && d.getUTCMonth() === month) return d;
    }
    throw new Error(`${field}: invalid date "${s}"`);
  }
  throw new Error(`${field}: unrecognised date "${s}" (expected ISO 8601 or Jira "30/Sep/21 17:20")`);
}

function fromEpoch(n: number, field: string): Date {
  if (!Number.isFinite(n) || n < 0) throw new Error(`${field}: invalid timestamp ${n}`);
  // Below 1e11 it can only be seconds (1e11 ms is 1973; 1e11 s is the year 5138).
  const d = new Date(n < 1e11 ? n * 1000 : n);
  if (Number.isNaN(d.getTime())) throw new Error(`${field}: invalid timestamp ${n}`);
  return d;
}

/** Rejects dates that JS silently rolls over (2021-02-30 -> March 2). */
function validCalendar(s: string, d: Date): boolean {
  const [y, mo, da] = s.slice(0, 10).split("-").map(Number);
  if (mo! < 1 || mo! > 12 || da! < 1 || da! > 31) return false;
  // Compare against the calendar date as written (before any zone shift).
  const probe = new Date(Date.UTC(y!, mo! - 1, da!));
  return probe.getUTCDate() === da && !Number.isNaN(d.getTime());
}
