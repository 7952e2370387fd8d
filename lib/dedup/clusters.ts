// Duplicate clusters: connected components of the DuplicateLink graph (imported links and triager
// "duplicate" verdicts both become links), minus links whose pair a triager later marked
// not_duplicate (the newest decision wins). A cluster's master is a member that is not itself a
// duplicate of anything (the smallest id if there are several).
import type { PrismaClient } from "../db/client";
import { pairKey } from "../reports/dto";
import { currentVerdicts } from "../triage/verdicts";

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

const CHUNK = 500;

class UnionFind {
  private parent = new Map<number, number>();
  find(x: number): number {
    let p = this.parent.get(x);
    if (p === undefined) {
      this.parent.set(x, x);
      return x;
    }
    while (p !== x) {
      const gp = this.parent.get(p)!;
      this.parent.set(x, gp);
      x = p;
      p = this.parent.get(x)!;
    }
    return x;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
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

/** Drops links whose pair's current verdict is not_duplicate. */
async function liveEdges(prisma: PrismaClient, edges: Edge[]): Promise<Edge[]> {
  if (edges.length === 0) return edges;
  const ids = [...new Set(edges.flatMap((e) => [e.duplicateId, e.masterId]))];
  const verdicts = await currentVerdicts(prisma, ids);
  return edges.filter((e) => verdicts.get(pairKey(e.duplicateId, e.masterId)) !== "not_duplicate");
}

/**
 * Clusters of the given report ids, found by walking links outwards (breadth-first, at most
 * `maxNodes` reports visited; real clusters are small).
 */
export async function clustersOf(prisma: PrismaClient, ids: number[], maxNodes = 5000): Promise<Map<number, Cluster>> {
  const visited = new Set<number>(ids);
  const edges = new Map<string, Edge>();
  let frontier = [...visited];
  while (frontier.length > 0 && visited.size < maxNodes) {
    const next: number[] = [];
    for (let i = 0; i < frontier.length; i += CHUNK) {
      const part = frontier.slice(i, i + CHUNK);
      const rows = await prisma.duplicateLink.findMany({
        where: { OR: [{ duplicateId: { in: part } }, { masterId: { in: part } }] },
        select: { duplicateId: true, masterId: true },
      });
      for (const r of rows) {
        edges.set(`${r.duplicateId}>${r.masterId}`, r);
        for (const n of [r.duplicateId, r.masterId]) {
          if (!visited.has(n)) {
            visited.add(n);
            next.push(n);
          }
        }
      }
    }
    frontier = next;
  }
  return buildClusters(ids, await liveEdges(prisma, [...edges.values()]));
}

/** Every cluster with 2+ members (admin statistics, sweep, calibration). */
export async function allClusters(prisma: PrismaClient): Promise<{ byId: Map<number, Cluster>; groups: Cluster[] }> {
  const rows = await prisma.duplicateLink.findMany({ select: { duplicateId: true, masterId: true } });
  const byId = buildClusters([], await liveEdges(prisma, rows));
  const groups = [...new Set(byId.values())].filter((c) => c.members.length > 1);
  return { byId, groups };
}
