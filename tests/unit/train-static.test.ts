// StaticEmbedding training on a synthetic corpus where duplicates share meaning but not always words
// (topics -> concepts -> synonym sets), determinism, and the ONNX round trip through the runtime encoder.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { TextTokenizer } from "@/lib/embedding/tokenizer";
import { initStaticTable } from "@/lib/offline/train/static-init";
import { StaticEmbeddingModel, loadStaticModel, saveStaticModel } from "@/lib/offline/train/static-model";
import { specialTokenIds } from "@/lib/offline/train/static-recipe";
import { trainStaticModel, type TokenExample } from "@/lib/offline/train/static-train";
import { rng, shuffle } from "@/lib/offline/train/tensor";

const TOKENIZER_DIR = path.resolve("assets/tokenizer");
const tok = TextTokenizer.fromDir(TOKENIZER_DIR);
const SPECIAL = specialTokenIds(tok);

// --- synthetic corpus -----------------------------------------------------------------------------------------

interface SynthReport {
  id: number;
  title: string;
  body: string;
  /** Id of the report this one duplicates (the earlier one), if any. */
  dupOf?: number;
}

/** Whole-word vocabulary entries that tokenize to exactly one id, in a seeded order. */
function singleTokenWords(seed: number): string[] {
  const vocab = fs.readFileSync(path.join(TOKENIZER_DIR, "vocab.txt"), "utf8").split("\n");
  const words = vocab.slice(3000).filter((w) => /^[a-z]{4,9}$/.test(w) && tok.contentIds(w).length === 1);
  return shuffle(words, rng(seed));
}

/**
 * T topics x C concepts x S synonyms. A report states 4 concepts of one topic, each by a random synonym, among
 * filler words shared by all topics. A duplicate states the same concepts with freshly drawn synonyms.
 */
function synthCorpus(seed: number, opts = { topics: 12, concepts: 6, synonyms: 4, reports: 360, dupRate: 0.35 }) {
  const words = singleTokenWords(seed);
  const need = opts.topics * opts.concepts * opts.synonyms + 60;
  assert.ok(words.length >= need, `tokenizer vocabulary too small for the synthetic corpus (${words.length} < ${need})`);
  let w = 0;
  const lexicon = Array.from({ length: opts.topics }, () =>
    Array.from({ length: opts.concepts }, () => Array.from({ length: opts.synonyms }, () => words[w++]!)),
  );
  const filler = words.slice(w, w + 60);
  const rand = rng(seed + 1);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const say = (topic: number, concepts: number[]) => {
    const fill = () => Array.from({ length: 1 + Math.floor(rand() * 2) }, () => pick(filler));
    const title = concepts.slice(0, 2).map((c) => pick(lexicon[topic]![c]!)).join(" ");
    const body = concepts.flatMap((c) => [pick(lexicon[topic]![c]!), ...fill()]).join(" ");
    return { title, body };
  };
  const reports: SynthReport[] = [];
  const meaning: { topic: number; concepts: number[] }[] = [];
  for (let i = 0; i < opts.reports; i++) {
    const earlier = reports.filter((r) => r.dupOf === undefined);
    if (earlier.length > 10 && rand() < opts.dupRate) {
      const src = pick(earlier);
      const m = meaning[src.id]!;
      meaning.push(m);
      reports.push({ id: i, ...say(m.topic, m.concepts), dupOf: src.id });
    } else {
      const topic = Math.floor(rand() * opts.topics);
      const concepts = shuffle(Array.from({ length: opts.concepts }, (_, k) => k), rand).slice(0, 4);
      meaning.push({ topic, concepts });
      reports.push({ id: i, ...say(topic, concepts) });
    }
  }
  return reports;
}

const fullText = (r: SynthReport) => `${r.title}\n${r.body}`;

/** Recall@k of each duplicate (query) finding its original among all earlier reports. */
function recallAt(model: StaticEmbeddingModel, reports: SynthReport[], queries: SynthReport[], k: number): number {
  const vecs = reports.map((r) => model.embed(tok.contentIds(fullText(r))));
  let hits = 0;
  for (const q of queries) {
    const qv = vecs[q.id]!;
    const ranked = reports
      .filter((r) => r.id < q.id)
      .map((r) => ({ id: r.id, s: vecs[r.id]!.reduce((acc, x, i) => acc + x * qv[i]!, 0) }))
      .sort((a, b) => b.s - a.s || a.id - b.id)
      .slice(0, k);
    if (ranked.some((h) => h.id === q.dupOf)) hits++;
  }
  return hits / queries.length;
}

function examplesFor(reports: SynthReport[], trainDupes: SynthReport[]): TokenExample[] {
  const ids = new Map<string, number[]>();
  const t = (s: string) => {
    let v = ids.get(s);
    if (!v) ids.set(s, (v = tok.contentIds(s)));
    return v;
  };
  const group = (r: SynthReport) => r.dupOf ?? r.id;
  return [
    ...reports.map((r) => ({ anchor: t(r.title), positive: t(r.body), groups: [group(r)] })),
    ...trainDupes.map((r) => ({ anchor: t(fullText(r)), positive: t(fullText(reports[r.dupOf!]!)), groups: [group(r)] })),
  ];
}

function split(reports: SynthReport[]) {
  const dupes = reports.filter((r) => r.dupOf !== undefined);
  const cut = Math.floor(dupes.length * 0.6);
  return { trainDupes: dupes.slice(0, cut), heldOut: dupes.slice(cut) };
}

const DIM = 64;

/** "Untrained": random rows for every token the corpus uses. */
function randomModel(reports: SynthReport[], seed: number): StaticEmbeddingModel {
  const docs = reports.map((r) => tok.contentIds(fullText(r)));
  const init = initStaticTable(docs, tok.vocabSize, { dim: DIM, method: "random", weighting: "none", zeroIds: SPECIAL, seed });
  return new StaticEmbeddingModel({ vocabSize: tok.vocabSize, dim: DIM, table: init.table, specialIds: SPECIAL });
}

test("training improves held-out Recall@5 over the untrained model by a clear margin", async (t) => {
  const reports = synthCorpus(7);
  const { trainDupes, heldOut } = split(reports);
  assert.ok(heldOut.length >= 30, `synthetic corpus has only ${heldOut.length} held-out duplicates`);
  const model = randomModel(reports, 1);
  const before = recallAt(model, reports, heldOut, 5);
  const summary = await trainStaticModel(model, examplesFor(reports, trainDupes), { epochs: 6, lr: 0.05, batchSize: 32, seed: 3 });
  const after = recallAt(model, reports, heldOut, 5);
  t.diagnostic(`Recall@5 untrained ${before.toFixed(3)} -> trained ${after.toFixed(3)} (${heldOut.length} held-out duplicates)`);
  assert.ok(summary.epochLosses.at(-1)! < summary.epochLosses[0]!, `loss did not fall: ${summary.epochLosses}`);
  assert.ok(after >= before + 0.15, `Recall@5 ${before.toFixed(3)} -> ${after.toFixed(3)}: expected a gain of at least 0.15`);
});

test("corpus-statistics (LSA) initialisation already beats random, and MNRL training keeps or improves it", async (t) => {
  const reports = synthCorpus(11);
  const { trainDupes, heldOut } = split(reports);
  const docs = reports.map((r) => tok.contentIds(fullText(r)));
  const init = initStaticTable(docs, tok.vocabSize, { dim: DIM, method: "lsa", singularPower: 0, zeroIds: SPECIAL, seed: 1 });
  const model = new StaticEmbeddingModel({ vocabSize: tok.vocabSize, dim: DIM, table: init.table, specialIds: SPECIAL });
  const rInit = recallAt(model, reports, heldOut, 5);
  const rRandom = recallAt(randomModel(reports, 1), reports, heldOut, 5);
  assert.ok(rInit >= rRandom + 0.15, `LSA init Recall@5 ${rInit.toFixed(3)} vs random ${rRandom.toFixed(3)}`);
  await trainStaticModel(model, examplesFor(reports, trainDupes), { epochs: 3, lr: 0.01, batchSize: 32, seed: 3 });
  const rTrained = recallAt(model, reports, heldOut, 5);
  t.diagnostic(`Recall@5 random ${rRandom.toFixed(3)}, LSA init ${rInit.toFixed(3)}, LSA + MNRL ${rTrained.toFixed(3)}`);
  assert.ok(rTrained >= rInit - 0.02, `training lost quality: ${rInit.toFixed(3)} -> ${rTrained.toFixed(3)}`);
  // Tokens the corpus never used stay zero: they cannot be represented, and must not add noise.
  const unused = tok.contentIds("zymurgy")[0]!;
  assert.ok(!docs.some((d) => d.includes(unused)));
  assert.ok(model.table.subarray(unused * DIM, (unused + 1) * DIM).every((x) => x === 0));
});

test("training is deterministic for a seed and differs for another seed", async () => {
  const reports = synthCorpus(5, { topics: 6, concepts: 5, synonyms: 3, reports: 120, dupRate: 0.3 });
  const { trainDupes } = split(reports);
  const ex = examplesFor(reports, trainDupes);
  const run = async (seed: number) => {
    const m = randomModel(reports, 1);
    await trainStaticModel(m, ex, { epochs: 2, lr: 0.05, batchSize: 16, seed });
    return m.table;
  };
  const a = await run(9);
  const b = await run(9);
  const c = await run(10);
  assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer));
  assert.notDeepEqual(Buffer.from(a.buffer), Buffer.from(c.buffer));
});

test("exported model: the runtime encoder's vectors equal the TS forward pass (cosine > 0.9999)", async () => {
  const reports = synthCorpus(3, { topics: 6, concepts: 5, synonyms: 3, reports: 80, dupRate: 0.3 });
  const docs = reports.map((r) => tok.contentIds(fullText(r)));
  const init = initStaticTable(docs, tok.vocabSize, { dim: DIM, method: "lsa", zeroIds: SPECIAL, seed: 2 });
  const model = new StaticEmbeddingModel({ vocabSize: tok.vocabSize, dim: DIM, table: init.table, specialIds: SPECIAL });
  await trainStaticModel(model, examplesFor(reports, []), { epochs: 1, lr: 0.01, batchSize: 16, seed: 1 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "static-model-"));
  try {
    saveStaticModel(model, dir, { tokenizerJsonPath: path.join(TOKENIZER_DIR, "tokenizer.json"), training: { test: true } });
    for (const f of ["model.onnx", "tokenizer.json", "config.json", "1_Pooling/config.json", "modules.json", "bugsift_training.json"]) {
      assert.ok(fs.existsSync(path.join(dir, f)), `${f} missing from the model dir`);
    }
    const reloaded = loadStaticModel(dir, SPECIAL);
    assert.deepEqual(Buffer.from(reloaded.table.buffer), Buffer.from(model.table.buffer));
    const enc = await OnnxEncoder.load(dir);
    try {
      assert.equal(enc.dims, DIM);
      assert.equal(enc.pooling, "mean");
      // Mixed lengths (padding in one batch), an empty text and words outside the corpus.
      const texts = [...reports.slice(0, 6).map(fullText), "", "completely unrelated words here", reports[0]!.title];
      const got = await enc.encode(texts, { batchSize: 4 });
      texts.forEach((t, i) => {
        const want = model.embed(tok.contentIds(t));
        const g = got[i]!;
        const wantNorm = Math.hypot(...want);
        if (wantNorm === 0) {
          assert.ok(g.every((x) => x === 0), `text ${i}: expected a zero vector`);
          return;
        }
        const cos = g.reduce((s, x, k) => s + x * want[k]!, 0) / (Math.hypot(...g) * wantNorm);
        assert.ok(cos > 0.9999, `text ${i} ("${t.slice(0, 30)}"): cosine ${cos}`);
      });
    } finally {
      await enc.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("bad input is rejected with a clear message", () => {
  assert.throws(() => new StaticEmbeddingModel({ vocabSize: 10, dim: 4, table: new Float32Array(3) }), /table has 3 values, expected 10 x 4/);
  const m = new StaticEmbeddingModel({ vocabSize: 10, dim: 4 });
  assert.throws(() => m.backward([[1, 2]], { data: new Float32Array(8), rows: 2, cols: 4 }), /gradient is 2x4, expected 1x4/);
  return assert.rejects(trainStaticModel(m, [{ anchor: [1], positive: [2] }]), /at least 2 examples/);
});
