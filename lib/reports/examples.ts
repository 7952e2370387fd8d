// Example searches for the home page, taken from the corpus that is loaded, so they are about its products and
// not about anyone else's: the titles of the reports filed most often (most duplicates linked to them), one per
// product while products last, then the newest titles when the corpus has no duplicate links.
import type { PrismaClient } from "@/lib/db/client";

/** Longer titles are cut at a word boundary: an example is a chip, not a paragraph. */
const MAX_EXAMPLE_CHARS = 60;
/** How many of the most duplicated reports are considered when spreading examples over products. */
const CANDIDATE_POOL = 50;

function shorten(title: string): string {
  const t = title.replace(/\s+/g, " ").trim();
  if (t.length <= MAX_EXAMPLE_CHARS) return t;
  const cut = t.slice(0, MAX_EXAMPLE_CHARS);
  const space = cut.lastIndexOf(" ");
  return (space > MAX_EXAMPLE_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.\-–—(]+$/, "");
}

export async function exampleSearches(prisma: PrismaClient, n = 4): Promise<string[]> {
  const counts = await prisma.duplicateLink.groupBy({
    by: ["masterId"],
    _count: { _all: true },
    orderBy: [{ _count: { duplicateId: "desc" } }, { masterId: "asc" }],
    take: CANDIDATE_POOL,
  });
  const masters = await prisma.report.findMany({
    where: { id: { in: counts.map((c) => c.masterId) } },
    select: { id: true, title: true, product: true },
  });
  const byId = new Map(masters.map((m) => [m.id, m]));
  const ranked = counts.map((c) => byId.get(c.masterId)).filter((m): m is NonNullable<typeof m> => m !== undefined);

  const picked: string[] = [];
  const add = (title: string) => {
    const q = shorten(title);
    if (q && !picked.includes(q) && picked.length < n) picked.push(q);
  };
  // One per product first, so a multi-product corpus shows its range; then the rest by frequency.
  const seenProducts = new Set<string | null>();
  for (const m of ranked) {
    if (seenProducts.has(m.product)) continue;
    seenProducts.add(m.product);
    add(m.title);
  }
  for (const m of ranked) add(m.title);
  if (picked.length < n) {
    const newest = await prisma.report.findMany({ select: { title: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: n * 2 });
    for (const r of newest) add(r.title);
  }
  return picked;
}
