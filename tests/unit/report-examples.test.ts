// Home-page example searches (lib/reports/examples.ts) on a corpus of its own, in a real migrated SQLite
// database: they come from the stored reports (most duplicated first, one per product first), never from
// another product, and fall back to the newest titles when nothing is linked.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { exampleSearches } from "@/lib/reports/examples";
import { tempDb, type TempDb } from "@/tests/integration/fault-fixture";

let db: TempDb;
let prisma: PrismaClient;

before(async () => {
  db = await tempDb("examples");
  prisma = createPrisma(db.url);
});
after(async () => {
  await prisma.$disconnect();
  db.cleanup();
});

async function report(externalId: string, title: string, product: string, day: number): Promise<number> {
  const at = new Date(Date.UTC(2024, 0, day));
  const r = await prisma.report.create({
    data: { source: "acme", externalId, title, product, createdAt: at, updatedAt: at, contentHash: externalId },
  });
  return r.id;
}

async function link(duplicateId: number, masterId: number): Promise<void> {
  await prisma.duplicateLink.create({ data: { duplicateId, masterId, origin: "imported" } });
}

test("with no duplicate links: the newest titles", async () => {
  await report("A-1", "Rocket engine stalls on ignition", "Rockets", 1);
  await report("A-2", "Anvil drops too early", "Anvils", 2);
  assert.deepEqual(await exampleSearches(prisma, 4), ["Anvil drops too early", "Rocket engine stalls on ignition"]);
});

test("the most duplicated reports first, one per product before a second from the same product; long titles cut at a word", async () => {
  const rocketMaster = await report("A-10", "Rocket skates lose grip on wet roads", "Rockets", 10);
  const rocketOther = await report("A-11", "Rocket launcher points backwards after reload", "Rockets", 11);
  const anvilMaster = await report("A-12", "Portable hole cannot be folded again once it has been unfolded on a cliff", "Holes", 12);
  let n = 20;
  const dupes = async (master: number, count: number) => {
    for (let i = 0; i < count; i++) await link(await report(`D-${n}`, `dup ${n}`, "Rockets", n++), master);
  };
  await dupes(rocketMaster, 3);
  await dupes(rocketOther, 2);
  await dupes(anvilMaster, 1);
  const examples = await exampleSearches(prisma, 3);
  assert.deepEqual(examples, [
    "Rocket skates lose grip on wet roads",
    "Portable hole cannot be folded again once it has been",
    "Rocket launcher points backwards after reload",
  ]);
  for (const e of examples) assert.ok(e.length <= 60, e);
  assert.equal((await exampleSearches(prisma, 1)).length, 1);
});
