// Duplicate clusters: connected components of the DuplicateLink graph (imported links and triager
// "duplicate" verdicts both become links), minus links whose pair a triager later marked
// not_duplicate (the newest decision wins). A cluster's master is a member that is not itself a
// duplicate of anything (the smallest id if there are several).
import type { PrismaClient } from "@/lib/db/client";
import { placeholders, type SqlReads } from "@/lib/db/reads";
import { pairKey } from "@/lib/corpus/rows";
import type { Verdict } from "@/lib/domain/types";
import { decisionsByIds, latestByPair } from "@/lib/dedup/verdicts";
import { UnionFind } from "@/lib/math";
import type { Core } from "@/lib/core";

export interface Cluster {
  /** Smallest member id: stable while the cluster does not change. */
  id: number;
  masterId: number;
  members: number[];
}

interface Edge {
  duplicateId: number;
  masterId: number;
}

/** Groups nodes into clusters given the surviving edges. Every id in `nodes` gets a cluster. */
export function buildClusters(nodes: Iterable<number>, edges: Edge[]): Map<number, Cluster> {
  const uf = new UnionFind();
  for (const n of nodes) uf.find(n);
  for (const e of edges) uf.union(e.duplicateId, e.masterId);
  const groups = new Map<number, number[]>();
  const all = new Set<number>([...nodes]);
  for (const e of edges) {
    all.add(e.duplicateId);
    all.add(e.masterId);
  }
  for (const n of all) {
    const r = uf.find(n);
    const g = groups.get(r);
    if (g) g.push(n);
    else groups.set(r, [n]);
  }
  const isDuplicate = new Set(edges.map((e) => e.duplicateId));
  const out = new Map<number, Cluster>();
  for (const members of groups.values()) {
    members.sort((a, b) => a - b);
    const roots = members.filter((m) => !isDuplicate.has(m));
    const cluster: Cluster = { id: members[0]!, masterId: roots[0] ?? members[0]!, members };
    for (const m of members) out.set(m, cluster);
  }
  return out;
}

/**
 * In-memory snapshot of the whole duplicate graph: every link and every pair's current verdict, loaded in
 * two queries and reused for SNAPSHOT_TTL_MS. For whole-corpus work only (sweep, statistics, calibration); a
 * duplicate check reads just its candidates' clusters with localGraph. Writes in this process invalidate it
 * at once; writes by another process (CLI import) show up within the TTL.
 */
export interface GraphSnapshot {
  /** Clusters of every report that has at least one live link. */
  byId: Map<number, Cluster>;
  /** Current verdict per unordered pair ("a:b", a < b). */
  verdicts: Map<string, Verdict>;
  /** Reports each report was ruled "not_duplicate" against (both directions). */
  notDuplicate: Map<number, Set<number>>;
  loadedAt: number;
}

const SNAPSHOT_TTL_MS = 2000;
interface GraphState {
  value?: GraphSnapshot;
  loading?: Promise<GraphSnapshot>;
  version: number;
}
// Symbol.for: Next.js may load this module once per route bundle; all copies must share one cache.
const GRAPH = Symbol.for("bugsift.dedup.graph");
const graphState = (core: Core) => core.state<GraphState>(GRAPH, () => ({ version: 0 }));

/** Forget the snapshot (after a triage decision, an import, a delete). */
export function invalidateGraph(core: Core): void {
  const s = graphState(core);
  s.value = undefined;
  s.loading = undefined;
  s.version++;
}

async function loadGraph(prisma: PrismaClient): Promise<GraphSnapshot> {
  const [links, decisions] = await Promise.all([
    prisma.duplicateLink.findMany({ select: { duplicateId: true, masterId: true } }),
    prisma.triageDecision.findMany({ where: { revert: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  ]);
  const verdicts = new Map<string, Verdict>();
  for (const [k, d] of latestByPair(decisions)) verdicts.set(k, d.verdict as Verdict);
  const notDuplicate = new Map<number, Set<number>>();
  for (const [k, v] of verdicts) {
    if (v !== "not_duplicate") continue;
    const [a, b] = k.split(":").map(Number) as [number, number];
    (notDuplicate.get(a) ?? notDuplicate.set(a, new Set()).get(a)!).add(b);
    (notDuplicate.get(b) ?? notDuplicate.set(b, new Set()).get(b)!).add(a);
  }
  const live = links.filter((e) => verdicts.get(pairKey(e.duplicateId, e.masterId)) !== "not_duplicate");
  return { byId: buildClusters([], live), verdicts, notDuplicate, loadedAt: Date.now() };
}

export async function graphSnapshot(core: Core): Promise<GraphSnapshot> {
  const s = graphState(core);
  if (s.value && Date.now() - s.value.loadedAt < SNAPSHOT_TTL_MS) return s.value;
  if (!s.loading) {
    const version = s.version;
    const p = loadGraph(core.db).then(
      (v) => {
        if (s.version === version) s.value = v;
        return v;
      },
    );
    s.loading = p;
    p.finally(() => {
      if (s.loading === p) s.loading = undefined;
    }).catch(() => undefined);
  }
  return s.loading;
}

/** The cluster of `id` in a snapshot (a singleton when it has no live link). */
export function clusterIn(snap: GraphSnapshot, id: number): Cluster {
  return snap.byId.get(id) ?? { id, masterId: id, members: [id] };
}

/** What the local graph reads from: the component walk through `reads`, the decisions it names through `db`. */
export type GraphStore = Pick<Core, "db" | "reads">;

/**
 * The part of the duplicate graph a request needs: the clusters of some reports and the not_duplicate
 * verdicts touching their members. Read by walking links outward from those reports only, so its cost grows
 * with the clusters returned, not with the corpus or the number of links (a duplicate check at 1M reports and
 * 200k links reads a few dozen rows instead of the whole DuplicateLink table).
 */
export interface LocalGraph {
  /** The cluster of `id` (a singleton when it has no live link). Defined for every id that was asked for. */
  clusterOf(id: number): Cluster;
  /** Reports `id` was ruled not_duplicate against (both directions); defined for members of asked-for clusters. */
  notDuplicateOf(id: number): ReadonlySet<number>;
}

/** Seed ids per component query; each chunk is one statement, so a long id list never meets a parameter limit. */
const SEED_CHUNK = 500;

/**
 * The links of every connected component (over all links, live or dead) that holds one of `seeds`, and the ids of
 * the decisions in force (not reverted) touching any report of those components: one recursive statement per
 * SEED_CHUNK seeds, instead of a round of queries per hop and a second query for the decisions, so the cost of a
 * check's graph read does not grow with cluster depth or with the round trips to a Postgres server (and a check
 * whose candidates were never triaged reads no decision rows at all). The SQL is the same on SQLite and Postgres.
 */
async function componentLinks(reads: SqlReads, seeds: number[]): Promise<{ edges: Edge[]; decisionIds: number[] }> {
  const edges = new Map<string, Edge>();
  const decisionIds = new Set<number>();
  for (let i = 0; i < seeds.length; i += SEED_CHUNK) {
    const part = seeds.slice(i, i + SEED_CHUNK);
    // "decision" = 0: a link (a = duplicateId, b = masterId); 1: a decision's id in a
    const rows = await reads.all<{ a: number | bigint; b: number | bigint | null; decision: number | bigint }>(
      `WITH RECURSIVE reach(id) AS (
        SELECT "id" FROM "Report" WHERE "id" IN (${placeholders(part.length)})
        UNION
        SELECT CASE WHEN l."duplicateId" = r."id" THEN l."masterId" ELSE l."duplicateId" END
        FROM reach r JOIN "DuplicateLink" l ON l."duplicateId" = r."id" OR l."masterId" = r."id"
      )
      SELECT l."duplicateId" AS "a", l."masterId" AS "b", 0 AS "decision"
      FROM "DuplicateLink" l WHERE l."duplicateId" IN (SELECT "id" FROM reach)
      UNION ALL
      SELECT d."id", NULL, 1 FROM "TriageDecision" d
      WHERE (d."reportId" IN (SELECT "id" FROM reach) OR d."otherId" IN (SELECT "id" FROM reach))
        AND NOT EXISTS (SELECT 1 FROM "DecisionRevert" v WHERE v."decisionId" = d."id")`,
      part,
    );
    for (const r of rows) {
      if (Number(r.decision) === 1) {
        decisionIds.add(Number(r.a));
        continue;
      }
      const e = { duplicateId: Number(r.a), masterId: Number(r.b) };
      edges.set(`${e.duplicateId}>${e.masterId}`, e);
    }
  }
  return { edges: [...edges.values()], decisionIds: [...decisionIds] };
}

/**
 * The clusters of `ids`: every component reached over any link (componentLinks), then the decisions touching its
 * reports, which kill the links whose newest verdict is not_duplicate. The components over the live links are
 * then exactly those of the whole-graph computation: the reached set is closed under all links, so it is closed
 * under the live ones. A dead link only widens what is read, never the clusters.
 */
export async function localGraph(store: GraphStore, ids: Iterable<number>): Promise<LocalGraph> {
  const seeds = [...new Set(ids)];
  const { edges: all, decisionIds } = seeds.length > 0 ? await componentLinks(store.reads, seeds) : { edges: [], decisionIds: [] };
  const visited = new Set<number>(seeds);
  for (const e of all) {
    visited.add(e.duplicateId);
    visited.add(e.masterId);
  }
  const verdicts = new Map<string, Verdict>();
  const notDuplicate = new Map<number, Set<number>>();
  // A pair's newest decision involves both ends, so the decisions of the reached reports cover every pair that
  // touches them (their links, and not_duplicate verdicts against them).
  for (const [k, d] of latestByPair(decisionIds.length > 0 ? await decisionsByIds(store.db, decisionIds) : [])) {
    verdicts.set(k, d.verdict as Verdict);
    if (d.verdict !== "not_duplicate") continue;
    (notDuplicate.get(d.reportId) ?? notDuplicate.set(d.reportId, new Set()).get(d.reportId)!).add(d.otherId);
    (notDuplicate.get(d.otherId) ?? notDuplicate.set(d.otherId, new Set()).get(d.otherId)!).add(d.reportId);
  }
  const live = all.filter((e) => verdicts.get(pairKey(e.duplicateId, e.masterId)) !== "not_duplicate");
  const byId = buildClusters(visited, live);
  const none: ReadonlySet<number> = new Set();
  return {
    clusterOf: (id) => byId.get(id) ?? { id, masterId: id, members: [id] },
    notDuplicateOf: (id) => notDuplicate.get(id) ?? none,
  };
}

/** Clusters of the given report ids. */
export async function clustersOf(core: Core, ids: number[]): Promise<Map<number, Cluster>> {
  const g = await localGraph(core, ids);
  return new Map(ids.map((id) => [id, g.clusterOf(id)]));
}

/** Every cluster with 2+ members (admin statistics, sweep, calibration). */
export async function allClusters(core: Core): Promise<{ byId: Map<number, Cluster>; groups: Cluster[] }> {
  const snap = await graphSnapshot(core);
  const groups = [...new Set(snap.byId.values())].filter((c) => c.members.length > 1);
  return { byId: snap.byId, groups };
}
