// Loads what the protocol needs from the app database: report texts and dates, and the duplicate links.
// Reads in id-ordered pages so a large DB is not pulled through one giant query.
import type { PrismaClient } from "@/lib/db/client";
import type { Link } from "@/lib/offline/eval/split";

export interface CorpusReport {
  id: number;
  source: string;
  title: string;
  description: string;
  product: string | null;
  component: string | null;
  status: string | null;
  /** epoch milliseconds */
  createdAt: number;
}

export interface EvalCorpus {
  reports: CorpusReport[];
  links: Link[];
}

export interface LoadCorpusOptions {
  /** Only reports of these sources (Report.source, e.g. "jira:HADOOP"); all when omitted. */
  sources?: string[];
  pageSize?: number;
}

export async function loadCorpus(prisma: PrismaClient, opts: LoadCorpusOptions = {}): Promise<EvalCorpus> {
  const pageSize = opts.pageSize ?? 2000;
  const where = opts.sources?.length ? { source: { in: opts.sources } } : {};
  const reports: CorpusReport[] = [];
  let cursor = 0;
  for (;;) {
    const page = await prisma.report.findMany({
      where: { ...where, id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: pageSize,
      select: {
        id: true,
        source: true,
        title: true,
        description: true,
        product: true,
        component: true,
        status: true,
        createdAt: true,
      },
    });
    for (const r of page) reports.push({ ...r, createdAt: r.createdAt.getTime() });
    if (page.length < pageSize) break;
    cursor = page[page.length - 1]!.id;
  }
  const ids = new Set(reports.map((r) => r.id));
  const links = (await prisma.duplicateLink.findMany({ select: { duplicateId: true, masterId: true } })).filter(
    (l) => ids.has(l.duplicateId) && ids.has(l.masterId),
  );
  return { reports, links };
}
