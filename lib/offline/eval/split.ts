// Duplicate groups, evaluation queries and the held-out time split. Pure functions over plain data
// (no Prisma, no I/O) so training (lib/offline/train) and evaluation cut the data the same way.
//
// Reports are totally ordered by (createdAt, id): Jira timestamps have minute resolution and a double
// submission can land in the same minute, so the id breaks ties deterministically.
//
// A query is a report with at least one member of its duplicate group strictly before it; its relevant
// set is exactly those earlier members (what a triager could have been pointed to at filing time).
// The time split holds out the latest queries: everything a model trains on (reports and links) is
// created before the cutoff, every evaluation query at or after it.

import { UnionFind } from "@/lib/math";

export interface DatedReport {
  id: number;
  /** epoch milliseconds */
  createdAt: number;
}

export interface Link {
  duplicateId: number;
  masterId: number;
}

export interface EvalQuery {
  queryId: number;
  createdAt: number;
  /** Group members created before the query, ascending by (createdAt, id). */
  relevant: number[];
}

export type SplitSpec =
  /** Every query (use only for models that never saw duplicate links, e.g. BM25 or an off-the-shelf encoder). */
  | { kind: "all" }
  /** Hold out the latest `testFraction` of queries (by creation time). */
  | { kind: "time"; testFraction: number }
  /** Hold out queries created at or after `cutoff` (epoch ms). */
  | { kind: "cutoff"; cutoff: number }
  /** An explicit list of query report ids. */
  | { kind: "ids"; queryIds: number[] };

export const DEFAULT_SPLIT: SplitSpec = { kind: "time", testFraction: 0.5 };

export interface HeldOutSplit {
  spec: SplitSpec;
  /** Queries at or after this instant are held out; null when the split is not by time. */
  cutoff: number | null;
  /** Held-out evaluation queries, ascending by (createdAt, id). */
  queries: EvalQuery[];
  /** Duplicate pairs a trainer may use (each unordered pair once): both ends before the cutoff; for "ids" neither end a query; none for "all". */
  trainPairs: Array<[number, number]>;
  /** Reports a trainer may read (created before the cutoff; for "ids": all but the queries). */
  trainReportIds: number[];
  /** Total candidate queries before splitting. */
  totalQueries: number;
}

/** (createdAt, id) order. */
export function before(a: DatedReport, b: DatedReport): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);
}

/** Transitive closure of the duplicate links: report id -> sorted members of its group (itself included). */
export function duplicateGroups(links: readonly Link[]): Map<number, number[]> {
  const uf = new UnionFind();
  for (const l of links) {
    if (l.duplicateId === l.masterId) continue; // a self-link carries no information
    uf.union(l.duplicateId, l.masterId);
  }
  const byRoot = new Map<number, number[]>();
  for (const id of [...uf.ids()]) {
    const r = uf.find(id);
    let g = byRoot.get(r);
    if (!g) byRoot.set(r, (g = []));
    g.push(id);
  }
  const out = new Map<number, number[]>();
  for (const g of byRoot.values()) {
    g.sort((x, y) => x - y);
    for (const id of g) out.set(id, g);
  }
  return out;
}

/** Every report with an earlier group member, ascending by (createdAt, id). Links to unknown reports are ignored. */
export function duplicateQueries(reports: readonly DatedReport[], links: readonly Link[]): EvalQuery[] {
  const byId = new Map(reports.map((r) => [r.id, r]));
  const known = links.filter((l) => byId.has(l.duplicateId) && byId.has(l.masterId));
  const groups = duplicateGroups(known);
  const queries: EvalQuery[] = [];
  for (const [id, members] of groups) {
    const q = byId.get(id)!;
    const earlier = members.map((m) => byId.get(m)!).filter((m) => before(m, q));
    if (earlier.length === 0) continue;
    earlier.sort((a, b) => (before(a, b) ? -1 : 1));
    queries.push({ queryId: id, createdAt: q.createdAt, relevant: earlier.map((m) => m.id) });
  }
  queries.sort((a, b) => a.createdAt - b.createdAt || a.queryId - b.queryId);
  return queries;
}

export function parseSplitSpec(s: string): SplitSpec {
  const t = s.trim();
  if (t === "all") return { kind: "all" };
  let m = /^time(?::([0-9.]+))?$/.exec(t);
  if (m) return validateSplit({ kind: "time", testFraction: m[1] ? Number(m[1]) : 0.5 });
  m = /^cutoff:(.+)$/.exec(t);
  if (m) {
    const ms = Date.parse(m[1]!);
    if (Number.isNaN(ms)) throw new Error(`split "${s}": "${m[1]}" is not a date (use e.g. cutoff:2023-01-01)`);
    return { kind: "cutoff", cutoff: ms };
  }
  throw new Error(`unknown split "${s}": expected all, time[:fraction] (e.g. time:0.5) or cutoff:<ISO date>`);
}

export function describeSplit(spec: SplitSpec): string {
  switch (spec.kind) {
    case "all":
      return "all";
    case "time":
      return `time:${spec.testFraction}`;
    case "cutoff":
      return `cutoff:${new Date(spec.cutoff).toISOString()}`;
    case "ids":
      return `ids(${spec.queryIds.length})`;
  }
}

function validateSplit(spec: SplitSpec): SplitSpec {
  if (spec.kind === "time" && !(spec.testFraction > 0 && spec.testFraction <= 1)) {
    throw new Error(`time split testFraction must be in (0, 1] (got ${spec.testFraction})`);
  }
  return spec;
}

/**
 * The held-out split. For "time", the cutoff is the creation time of the query at position
 * floor((1 - testFraction) * n) of the time-ordered queries, so at least ceil(testFraction * n) queries
 * are held out (more when several share the cutoff instant).
 */
export function timeSplit(reports: readonly DatedReport[], links: readonly Link[], spec: SplitSpec = DEFAULT_SPLIT): HeldOutSplit {
  validateSplit(spec);
  const all = duplicateQueries(reports, links);
  const byId = new Map(reports.map((r) => [r.id, r]));
  const pairsWhere = (ok: (r: DatedReport) => boolean): Array<[number, number]> => {
    const seen = new Set<string>();
    const out: Array<[number, number]> = [];
    for (const l of links) {
      const a = byId.get(l.duplicateId);
      const b = byId.get(l.masterId);
      if (!a || !b || a.id === b.id || !ok(a) || !ok(b)) continue;
      const key = a.id < b.id ? `${a.id}:${b.id}` : `${b.id}:${a.id}`;
      if (seen.has(key)) continue; // trackers often store both directions
      seen.add(key);
      out.push([l.duplicateId, l.masterId]);
    }
    return out;
  };
  let cutoff: number | null = null;
  let queries: EvalQuery[];
  if (spec.kind === "all") {
    queries = all;
  } else if (spec.kind === "ids") {
    const want = new Set(spec.queryIds);
    queries = all.filter((q) => want.has(q.queryId));
    const missing = spec.queryIds.filter((id) => !queries.some((q) => q.queryId === id));
    if (missing.length) throw new Error(`split ids: reports ${missing.slice(0, 5).join(", ")} are not duplicate queries (no earlier group member)`);
  } else {
    if (all.length === 0) {
      cutoff = spec.kind === "cutoff" ? spec.cutoff : null;
      queries = [];
    } else {
      cutoff = spec.kind === "cutoff" ? spec.cutoff : all[Math.min(all.length - 1, Math.floor((1 - spec.testFraction) * all.length))]!.createdAt;
      const c = cutoff;
      queries = all.filter((q) => q.createdAt >= c);
    }
  }
  const queryIds = new Set(queries.map((q) => q.queryId));
  let trainOk: (r: DatedReport) => boolean;
  if (cutoff !== null) {
    const c = cutoff;
    trainOk = (r) => r.createdAt < c;
  } else if (spec.kind === "all") {
    trainOk = () => false; // every query is held out: no link is safe to train on
  } else {
    trainOk = (r) => !queryIds.has(r.id); // "ids", or a time split of a corpus without any query
  }
  return {
    spec,
    cutoff,
    queries,
    trainPairs: pairsWhere(trainOk),
    trainReportIds: reports.filter(trainOk).map((r) => r.id),
    totalQueries: all.length,
  };
}
