// Training data from the app database, cut by the same held-out time split the evaluation uses
// (lib/offline/eval/split.ts): nothing created at or after the cutoff is trained on, so the gate's numbers stay honest.
//   - (title, body) pairs of every trainable report: self-supervision that needs no labels;
//   - duplicate pairs: imported/triager DuplicateLinks of the train split + triager "duplicate" verdicts;
//   - hard negatives: triager "not_duplicate" verdicts, plus negatives mined with the current model.
// Texts are referenced (report id + field) rather than copied, so each text is tokenised/embedded once.
import type { PrismaClient } from "@/lib/db/client";
import { buildReportText } from "@/lib/embedding/report-text";
import { loadCorpus, type CorpusReport, type EvalCorpus, type LoadCorpusOptions } from "@/lib/offline/eval/corpus";
import { DEFAULT_SPLIT, duplicateGroups, timeSplit, type HeldOutSplit, type SplitSpec } from "@/lib/offline/eval/split";
import { dot } from "@/lib/math";

export { timeSplit, DEFAULT_SPLIT, type HeldOutSplit, type SplitSpec };

/** full: what the indexer embeds (title, meta, body, top frames); title: title only; body: the rest. */
export type TextField = "full" | "title" | "body";

export interface TextRef {
  id: number;
  field: TextField;
}

export type ExampleSource = "title-body" | "duplicate" | "triage-duplicate";

export interface PairExample {
  anchor: TextRef;
  positive: TextRef;
  negative?: TextRef;
  /** Batch-exclusion keys: the duplicate group (or report) each side belongs to. */
  groups: (string | number)[];
  source: ExampleSource;
}

/**
 * "train": only reports created before the cutoff (the evaluation's contract; default).
 * "all": label-free text of every report (title/body pairs and corpus statistics) while duplicate links still
 * come from the train split only. More vocabulary for the deployed model, but held-out queries' own text was
 * seen, so evaluation numbers are optimistic.
 */
export type TextScope = "train" | "all";

export interface TrainingData {
  corpus: EvalCorpus;
  split: HeldOutSplit;
  textScope: TextScope;
  /** Reports whose text the trainer may read (per textScope). */
  textReports: CorpusReport[];
  /** Confirmed duplicate pairs [later, earlier] usable for training (train split only, deduplicated). */
  duplicatePairs: Array<[number, number]>;
  /** Triager "not_duplicate" verdicts inside the train split. */
  negativePairs: Array<[number, number]>;
  /** Report id -> duplicate group key (smallest member id), over all training duplicate pairs. */
  groupOf: Map<number, number>;
}

export interface LoadTrainingOptions {
  split?: SplitSpec;
  textScope?: TextScope;
  corpus?: LoadCorpusOptions;
}

export async function loadTrainingData(prisma: PrismaClient, opts: LoadTrainingOptions = {}): Promise<TrainingData> {
  const corpus = await loadCorpus(prisma, opts.corpus);
  const decisions = await prisma.triageDecision.findMany({
    where: { verdict: { in: ["duplicate", "not_duplicate"] }, revert: null },
    select: { reportId: true, otherId: true, verdict: true },
    orderBy: { id: "asc" },
  });
  return buildTrainingData(corpus, decisions, opts);
}

export interface Verdict {
  reportId: number;
  otherId: number;
  verdict: string;
}

/** Pure part of loadTrainingData (used directly by tests and offline experiments). */
export function buildTrainingData(corpus: EvalCorpus, verdicts: readonly Verdict[], opts: Omit<LoadTrainingOptions, "corpus"> = {}): TrainingData {
  // The split comes from DuplicateLinks alone, exactly as lib/offline/eval computes it; verdicts never move the cutoff.
  const split = timeSplit(corpus.reports, corpus.links, opts.split ?? DEFAULT_SPLIT);
  const trainable = new Set(split.trainReportIds);
  const byId = new Map(corpus.reports.map((r) => [r.id, r]));
  const later = (a: number, b: number): [number, number] => {
    const ra = byId.get(a)!;
    const rb = byId.get(b)!;
    return ra.createdAt > rb.createdAt || (ra.createdAt === rb.createdAt && ra.id > rb.id) ? [a, b] : [b, a];
  };
  const seen = new Set<string>();
  const duplicatePairs: Array<[number, number]> = [];
  const add = (a: number, b: number) => {
    if (a === b || !trainable.has(a) || !trainable.has(b)) return;
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (seen.has(key)) return;
    seen.add(key);
    duplicatePairs.push(later(a, b));
  };
  for (const [a, b] of split.trainPairs) add(a, b);
  for (const v of verdicts) if (v.verdict === "duplicate" && byId.has(v.reportId) && byId.has(v.otherId)) add(v.reportId, v.otherId);

  const groups = duplicateGroups(duplicatePairs.map(([d, m]) => ({ duplicateId: d, masterId: m })));
  const groupOf = new Map<number, number>();
  for (const [id, members] of groups) groupOf.set(id, members[0]!);
  const sameGroup = (a: number, b: number) => groupOf.has(a) && groupOf.get(a) === groupOf.get(b);
  const negSeen = new Set<string>();
  const negativePairs: Array<[number, number]> = [];
  for (const v of verdicts) {
    if (v.verdict !== "not_duplicate") continue;
    const { reportId: a, otherId: b } = v;
    if (a === b || !trainable.has(a) || !trainable.has(b) || sameGroup(a, b)) continue; // later "duplicate" wins
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (negSeen.has(key) || seen.has(key)) continue;
    negSeen.add(key);
    negativePairs.push([a, b]);
  }
  const textScope = opts.textScope ?? "train";
  const textReports = textScope === "all" ? corpus.reports : corpus.reports.filter((r) => trainable.has(r.id));
  return { corpus, split, textScope, textReports, duplicatePairs, negativePairs, groupOf };
}

/** Text of one field of a report, built with the same report-text builder the indexer uses. */
export function reportFieldText(r: Pick<CorpusReport, "title" | "description" | "product" | "component">, field: TextField): string {
  const fields = { title: r.title, description: r.description, product: r.product, component: r.component };
  switch (field) {
    case "full":
      return buildReportText(fields).text;
    case "title":
      return buildReportText({ title: r.title }).text;
    case "body":
      return buildReportText({ ...fields, title: "" }, { repeatTitle: false }).text;
  }
}

/** Resolves TextRefs to strings, caching each (id, field). */
export class TextTable {
  private readonly byId: Map<number, CorpusReport>;
  private readonly cache = new Map<string, string>();

  constructor(reports: readonly CorpusReport[]) {
    this.byId = new Map(reports.map((r) => [r.id, r]));
  }

  static key(ref: TextRef): string {
    return `${ref.id}:${ref.field}`;
  }

  text(ref: TextRef): string {
    const k = TextTable.key(ref);
    let t = this.cache.get(k);
    if (t === undefined) {
      const r = this.byId.get(ref.id);
      if (!r) throw new Error(`training text: report ${ref.id} is not in the corpus`);
      t = reportFieldText(r, ref.field);
      this.cache.set(k, t);
    }
    return t;
  }
}

export interface ExampleOptions {
  /** (title, body) pairs of every text report with both parts. Default true. */
  titleBody?: boolean;
  /** Duplicate pairs (full text both sides). Default true. */
  duplicates?: boolean;
  /** Repeat each duplicate pair this many times per epoch (they are few and the most on-target). Default 1. */
  duplicateRepeat?: number;
  /** anchor id -> hard negative report ids (from not_duplicate verdicts and/or mining). */
  hardNegatives?: Map<number, number[]>;
}

export function buildExamples(data: TrainingData, opts: ExampleOptions = {}): PairExample[] {
  const out: PairExample[] = [];
  const group = (id: number) => data.groupOf.get(id) ?? id;
  const neg = (id: number, i: number): TextRef | undefined => {
    const ns = opts.hardNegatives?.get(id);
    return ns?.length ? { id: ns[i % ns.length]!, field: "full" } : undefined;
  };
  if (opts.titleBody ?? true) {
    for (const r of data.textReports) {
      if (!r.title.trim() || !r.description.trim()) continue;
      const negative = neg(r.id, 0);
      out.push({
        anchor: { id: r.id, field: "title" },
        positive: { id: r.id, field: "body" },
        ...(negative ? { negative } : {}),
        groups: negative ? [group(r.id), group(negative.id)] : [group(r.id)],
        source: "title-body",
      });
    }
  }
  if (opts.duplicates ?? true) {
    const rep = Math.max(1, Math.floor(opts.duplicateRepeat ?? 1));
    for (const [a, b] of data.duplicatePairs) {
      for (let k = 0; k < rep; k++) {
        const negative = neg(a, k);
        out.push({
          anchor: { id: a, field: "full" },
          positive: { id: b, field: "full" },
          ...(negative ? { negative } : {}),
          groups: negative ? [group(a), group(negative.id)] : [group(a)],
          source: "duplicate",
        });
      }
    }
  }
  return out;
}

/** not_duplicate verdicts as anchor -> negatives (both directions). */
export function verdictNegatives(data: TrainingData): Map<number, number[]> {
  const m = new Map<number, number[]>();
  const push = (a: number, b: number) => {
    let l = m.get(a);
    if (!l) m.set(a, (l = []));
    if (!l.includes(b)) l.push(b);
  };
  for (const [a, b] of data.negativePairs) {
    push(a, b);
    push(b, a);
  }
  return m;
}

export interface MineOptions {
  /** Negatives kept per anchor. Default 1. */
  perAnchor?: number;
  /** Skip this many top non-duplicate candidates (likely unlabelled duplicates). Default 2. */
  skipTop?: number;
  /** Drop candidates scoring above this fraction of the anchor's positive score (false-negative guard). Default 0.95. */
  maxRelativeScore?: number;
}

/**
 * Mined hard negatives for duplicate anchors: the highest-scoring reports under the current model that are not
 * known duplicates, were filed before the anchor (what a triager would have seen) and score clearly below the
 * anchor's true duplicate. `vector(id)` returns an L2-normalised embedding.
 */
export function mineHardNegatives(
  data: TrainingData,
  vector: (id: number) => Float32Array,
  opts: MineOptions = {},
): Map<number, number[]> {
  const per = opts.perAnchor ?? 1;
  const skip = opts.skipTop ?? 2;
  const ratio = opts.maxRelativeScore ?? 0.95;
  const byId = new Map(data.corpus.reports.map((r) => [r.id, r]));
  const trainable = new Set(data.split.trainReportIds);
  const candidates = data.corpus.reports.filter((r) => trainable.has(r.id));
  const out = new Map<number, number[]>();
  for (const [a, b] of data.duplicatePairs) {
    const ra = byId.get(a)!;
    const va = vector(a);
    const posScore = dot(va, vector(b));
    const g = data.groupOf.get(a);
    const scored: { id: number; s: number }[] = [];
    for (const r of candidates) {
      if (r.id === a || r.createdAt > ra.createdAt || (g !== undefined && data.groupOf.get(r.id) === g)) continue;
      scored.push({ id: r.id, s: dot(va, vector(r.id)) });
    }
    scored.sort((x, y) => y.s - x.s || x.id - y.id);
    const picked = scored
      .slice(skip)
      .filter((c) => c.s < ratio * posScore)
      .slice(0, per)
      .map((c) => c.id);
    if (picked.length) out.set(a, picked);
  }
  return out;
}

/** Merge anchor -> negatives maps (first map's entries first). */
export function mergeNegatives(...maps: Map<number, number[]>[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const m of maps) {
    for (const [k, v] of m) out.set(k, [...new Set([...(out.get(k) ?? []), ...v])]);
  }
  return out;
}
