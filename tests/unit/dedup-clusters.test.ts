// The duplicate check reads clusters by walking links outward from its candidates (localGraph) instead of
// loading the whole graph. On a real, migrated SQLite database with a random graph (chains, stars, cycles,
// links cut by a later not_duplicate verdict, links restored by a still later duplicate verdict, reverted verdicts), the local
// walk must give exactly the clusters and not_duplicate sets of the whole-graph computation, for every report.
// The same suite runs on Postgres (its own schema, dropped afterwards) when TEST_POSTGRES_URL is set: the walk is
// one raw statement whose SQL both databases must read the same way.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "@/lib/offline/migrate/runner";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { config } from "@/lib/config";
import { Core } from "@/lib/core";
import { openReads } from "@/lib/db/reads";
import { clustersOf, graphSnapshot, clusterIn, localGraph } from "@/lib/dedup/clusters";
import { mulberry32 } from "@/lib/random";
import { PgScratch } from "@/tests/helpers/pg-scratch";

const REPORTS = 400;
const PG_SERVER = process.env.TEST_POSTGRES_URL;
if (!PG_SERVER) console.log("SKIP duplicate clusters on postgres: TEST_POSTGRES_URL not set");

interface Backend {
  /** A fresh, empty database URL. */
  open(): string;
  /** Drops what open() made. */
  drop(): Promise<void>;
}

const sqlite = (): Backend => {
  let dir = "";
  return {
    open: () => `file:${path.join((dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-clusters-"))), "test.db")}`,
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
};

const postgres = (server: string): Backend => {
  const scratch = new PgScratch(server, "t_clusters");
  return { open: () => scratch.schema().url, drop: () => scratch.dropAll() };
};

// The walk runs on the Core's reads (lib/db/reads.ts): SQLite's own read-only connection as the servers and CLIs
// open it, and Prisma's raw queries (Postgres, and a Core built without reads).
describe("duplicate clusters on sqlite, own read connection", () => clusterSuite(sqlite(), "opened"));
describe("duplicate clusters on sqlite, through Prisma", () => clusterSuite(sqlite(), "prisma"));
describe("duplicate clusters on postgres", { skip: PG_SERVER ? false : "TEST_POSTGRES_URL not set" }, () => clusterSuite(postgres(PG_SERVER ?? ""), "opened"));

function clusterSuite(backend: Backend, reads: "opened" | "prisma"): void {
  let prisma: PrismaClient;
  let core: Core;

  before(async () => {
    const url = backend.open();
    await migrate(url);
    prisma = createPrisma(url);
    core = new Core(config(), prisma, reads === "opened" ? { reads: openReads(url, prisma) } : {});
    const now = new Date("2024-01-01T00:00:00Z");
    await prisma.report.createMany({
      data: Array.from({ length: REPORTS }, (_, i) => ({
        source: "t",
        externalId: `R-${i + 1}`,
        title: `report ${i + 1}`,
        createdAt: now,
        updatedAt: now,
        contentHash: String(i),
      })),
    });
    const ids = (await prisma.report.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((r) => r.id);
    const r = mulberry32(12);
    const pick = () => ids[Math.floor(r() * ids.length)]!;
    const links = new Map<string, { duplicateId: number; masterId: number }>();
    const link = (a: number, b: number) => {
      if (a !== b) links.set(`${a}>${b}`, { duplicateId: a, masterId: b });
    };
    // A long chain (diameter 40: many walk rounds), a star, a cycle, and random sparse links.
    for (let i = 0; i < 40; i++) link(ids[i + 1]!, ids[i]!);
    for (let i = 50; i < 80; i++) link(ids[i]!, ids[49]!);
    for (let i = 100; i < 110; i++) link(ids[i]!, ids[i === 109 ? 100 : i + 1]!);
    for (let i = 0; i < 150; i++) link(pick(), pick());
    await prisma.duplicateLink.createMany({ data: [...links.values()].map((l) => ({ ...l, origin: "imported" })) });
    // Verdicts: some cut live links (chain middle, random links), some re-join them later, some on unlinked pairs.
    const all = [...links.values()];
    const decisions: { reportId: number; otherId: number; verdict: string; createdAt: Date }[] = [];
    let t = now.getTime();
    const decide = (a: number, b: number, verdict: string) => decisions.push({ reportId: a, otherId: b, verdict, createdAt: new Date((t += 1000)) });
    decide(ids[20]!, ids[21]!, "not_duplicate"); // cuts the chain in two
    decide(ids[50]!, ids[49]!, "not_duplicate");
    decide(ids[49]!, ids[50]!, "duplicate"); // newest wins: the star link lives again
    for (let i = 0; i < 60; i++) {
      const e = all[Math.floor(r() * all.length)]!;
      decide(r() < 0.5 ? e.duplicateId : e.masterId, r() < 0.5 ? e.masterId : e.duplicateId, r() < 0.6 ? "not_duplicate" : "related");
    }
    for (let i = 0; i < 40; i++) decide(pick(), pick(), r() < 0.7 ? "not_duplicate" : "duplicate");
    await prisma.triageDecision.createMany({ data: decisions.filter((d) => d.reportId !== d.otherId).map((d) => ({ ...d, actor: "test" })) });
    // Reverted decisions are out of force: every 4th one, and the chain cut (so the chain is whole again).
    const triager = await prisma.user.create({ data: { login: "t", role: "triager", provider: "local", subject: "t" } });
    const made = await prisma.triageDecision.findMany({ orderBy: { id: "asc" } });
    const reverted = made.filter((d, i) => i % 4 === 1 || (d.reportId === ids[20] && d.otherId === ids[21]));
    await prisma.decisionRevert.createMany({ data: reverted.map((d) => ({ decisionId: d.id, userId: triager.id })) });
  });

  after(async () => {
    await core?.close();
    await backend.drop();
  });

  test("localGraph gives the whole-graph clusters and not_duplicate sets, asked one report at a time", async () => {
    const snap = await graphSnapshot(core);
    // Every report with a link or a verdict, and every 8th of the rest.
    const ids = (await prisma.report.findMany({ select: { id: true } }))
      .map((x) => x.id)
      .filter((id) => clusterIn(snap, id).members.length > 1 || snap.notDuplicate.has(id) || id % 8 === 0);
    let multi = 0;
    for (const id of ids) {
      const g = await localGraph(core, [id]);
      const expected = clusterIn(snap, id);
      assert.deepEqual(g.clusterOf(id), expected, `cluster of ${id}`);
      if (expected.members.length > 1) multi++;
      for (const m of expected.members) {
        assert.deepEqual([...g.notDuplicateOf(m)].sort((a, b) => a - b), [...(snap.notDuplicate.get(m) ?? [])].sort((a, b) => a - b), `not_duplicate of ${m}`);
      }
    }
    // The fixture must exercise real clusters (else the comparison would prove little).
    assert.ok(multi > 60, `only ${multi} reports in multi-member clusters`);
    const sizes = new Set([...snap.byId.values()].map((c) => c.members.length));
    assert.ok(Math.max(...sizes) >= 20, "expected at least one large cluster");
  });

  test("localGraph over a batch of ids (the duplicate check's candidates) equals the whole graph", async () => {
    const snap = await graphSnapshot(core);
    const ids = (await prisma.report.findMany({ select: { id: true } })).map((x) => x.id);
    const r = mulberry32(3);
    for (let round = 0; round < 20; round++) {
      const batch = Array.from({ length: 60 }, () => ids[Math.floor(r() * ids.length)]!);
      const got = await clustersOf(core, batch);
      for (const id of batch) assert.deepEqual(got.get(id), clusterIn(snap, id), `cluster of ${id}`);
    }
  });

  test("a not_duplicate verdict cuts a chain in two; a newer duplicate verdict on the pair joins it again", async () => {
    const now = new Date("2024-06-01T00:00:00Z");
    const made = await Promise.all(
      ["C-1", "C-2", "C-3", "C-4"].map((externalId) =>
        prisma.report.create({ data: { source: "chain", externalId, title: externalId, createdAt: now, updatedAt: now, contentHash: externalId } }),
      ),
    );
    const [a, b, c, d] = made.map((x) => x.id).sort((x, y) => x - y) as [number, number, number, number];
    await prisma.duplicateLink.createMany({
      data: [
        { duplicateId: b, masterId: a, origin: "imported" },
        { duplicateId: c, masterId: b, origin: "imported" },
        { duplicateId: d, masterId: c, origin: "imported" },
      ],
    });
    assert.deepEqual((await localGraph(core, [d])).clusterOf(d), { id: a, masterId: a, members: [a, b, c, d] });
    await prisma.triageDecision.create({ data: { reportId: c, otherId: b, verdict: "not_duplicate", actor: "t", createdAt: new Date(now.getTime() + 1000) } });
    const cut = await localGraph(core, [a, d]);
    assert.deepEqual(cut.clusterOf(a), { id: a, masterId: a, members: [a, b] });
    assert.deepEqual(cut.clusterOf(d), { id: c, masterId: c, members: [c, d] });
    assert.deepEqual([...cut.notDuplicateOf(b)], [c]);
    assert.deepEqual([...cut.notDuplicateOf(c)], [b]);
    await prisma.triageDecision.create({ data: { reportId: b, otherId: c, verdict: "duplicate", actor: "t", createdAt: new Date(now.getTime() + 2000) } });
    const joined = await localGraph(core, [d]);
    assert.deepEqual(joined.clusterOf(d).members, [a, b, c, d]);
    assert.equal(joined.notDuplicateOf(b).size, 0);
  });
}
