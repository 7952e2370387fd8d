// The bounded keyword side (lib/vector/keyword-terms.ts): which terms a query keeps, and, on a real sqlite-vec
// index above the bound's size threshold, that the bounded BM25 finds planted duplicates as often as exact BM25 (the
// full OR query over the same FTS5 table) while filters keep their exact semantics.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { boundQueryTerms, DEFAULT_KEYWORD_BOUND } from "@/lib/vector/keyword-terms";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { queryTerms } from "@/lib/vector/tokenize";
import { mulberry32 } from "@/lib/random";
import { fts5Ranking } from "@/tests/helpers/fts5-ranking";

describe("boundQueryTerms", () => {
  const terms = queryTerms("NullPointerException in upload manager when the app syncs common words everywhere");
  const df: Record<string, number> = { nullpointerexception: 40, null: 900, pointer: 800, exception: 30_000, upload: 5000, manager: 20_000, app: 90_000, syncs: 12_000, common: 50_000, words: 60_000 };
  const dfOf = (t: string) => df[t] ?? 0;

  it("keeps indexed terms rarest first, drops unindexed and too-common ones", () => {
    const kept = boundQueryTerms(terms, dfOf, 100_000).map((t) => t.term);
    assert.deepEqual(kept, ["nullpointerexception", "pointer", "null", "upload"]);
    // The whole identifier keeps its query weight.
    assert.equal(boundQueryTerms(terms, dfOf, 100_000)[0]!.weight, 3);
  });
  it("keeps at least minTerms (the rarest) when every term is common, at most maxTerms", () => {
    const common = (t: string) => (t in df ? 50_000 + t.length : 0);
    const roomy = { ...DEFAULT_KEYWORD_BOUND, maxPostings: 1_000_000 };
    assert.deepEqual(boundQueryTerms(terms, common, 100_000, roomy).map((t) => t.term), ["app", "null", "syncs"]);
    // The postings budget wins over minTerms: with the default budget only the rarest of these common terms is left.
    assert.deepEqual(boundQueryTerms(terms, common, 100_000).map((t) => t.term), ["app"]);
    const many = queryTerms(Array.from({ length: 100 }, (_, i) => `word${i}x`).join(" "));
    assert.equal(boundQueryTerms(many, () => 1, 100_000).length, DEFAULT_KEYWORD_BOUND.maxTerms);
  });
  it("stops adding terms when their summed frequency passes maxPostings (the rarest is always kept)", () => {
    const bound = { ...DEFAULT_KEYWORD_BOUND, maxPostings: 1000 };
    assert.deepEqual(boundQueryTerms(terms, dfOf, 100_000, bound).map((t) => t.term), ["nullpointerexception", "pointer"]);
    assert.deepEqual(boundQueryTerms(terms, () => 5000, 100_000, bound).length, 1);
  });
  it("leaves the query untouched below minDocs without reading frequencies", () => {
    let calls = 0;
    assert.deepEqual(boundQueryTerms(terms, () => (calls++, 0), DEFAULT_KEYWORD_BOUND.minDocs - 1), terms);
    assert.equal(calls, 0);
  });
});

describe("bounded BM25 on a sqlite-vec index above the threshold", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ix-kwbound-"));
  const file = path.join(dir, "ix.db");
  const DOCS = DEFAULT_KEYWORD_BOUND.minDocs + 2000;
  // (The planted duplicates below take ids DOCS+1..DOCS+PLANTED.)
  // Zipf-like vocabulary: a few words in most documents, a long tail of rare ones (like real report text).
  const VOCAB = Array.from({ length: 3000 }, (_, i) => `w${i}`);
  const r = mulberry32(5);
  const zipf = () => VOCAB[Math.min(VOCAB.length - 1, Math.floor(Math.exp(r() * Math.log(VOCAB.length + 1))) - 1)]!;
  const docText = () => ({ title: Array.from({ length: 6 }, zipf).join(" "), body: Array.from({ length: 40 }, zipf).join(" ") });
  const texts = Array.from({ length: DOCS }, docText);
  // Planted duplicates: report DOCS+1+q re-tells master q's report (a third of its words, shuffled) amid new words.
  const PLANTED = 40;
  const masters = Array.from({ length: PLANTED }, () => 1 + Math.floor(r() * DOCS));
  const planted = masters.map((m) => {
    const words = `${texts[m - 1]!.title} ${texts[m - 1]!.body}`.split(" ").filter(() => r() < 0.33);
    return { title: words.slice(0, 4).join(" "), body: [...words.slice(4), ...Array.from({ length: 30 }, zipf)].sort(() => r() - 0.5).join(" ") };
  });
  let ix: SqliteVecIndex;

  before(async () => {
    ix = new SqliteVecIndex({ path: file, dims: 2 });
    const all = [...texts, ...planted];
    for (let start = 0; start < all.length; start += 2000) {
      await ix.upsert(
        all.slice(start, start + 2000).map((text, j) => ({
          id: start + j + 1,
          vector: new Float32Array([1, 0]),
          meta: { product: (start + j) % 7 === 0 ? "P7" : "other", createdAt: start + j },
          text,
        })),
      );
    }
  });
  after(async () => {
    await ix.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Exact BM25 top k: the unbounded OR query of every term, straight against the live FTS5 table. */
  const exactTop = (query: string, k: number, product?: string) => fts5Ranking(file, query, k, product).map((h) => h.id);

  it("finds planted duplicates in the top 10 as often as exact BM25 does, and agrees on the best hit", async () => {
    let bounded = 0;
    let exact = 0;
    for (let q = 0; q < PLANTED; q++) {
      const m = masters[q]!;
      const query = `${texts[m - 1]!.title}\n${texts[m - 1]!.body}`;
      const got = (await ix.keywordSearch(query, 11)).map((h) => h.id);
      const want = exactTop(query, 11);
      assert.equal(got[0], want[0], `master ${m}: the best hit (the report itself) must agree`);
      if (got.includes(DOCS + 1 + q)) bounded++;
      if (want.includes(DOCS + 1 + q)) exact++;
    }
    assert.ok(exact >= 0.8 * PLANTED, `fixture too hard: exact BM25 finds only ${exact}/${PLANTED}`);
    assert.ok(bounded >= exact - 1, `bounded BM25 found ${bounded}/${PLANTED} planted duplicates, exact ${exact}`);
  });

  it("filters stay exact: only P7 reports, and k of them when that many match", async () => {
    for (let q = 0; q < 10; q++) {
      const id = 1 + Math.floor(r() * DOCS);
      const query = `${texts[id - 1]!.title}\n${texts[id - 1]!.body}`;
      const hits = await ix.keywordSearch(query, 50, { product: "P7" });
      assert.equal(hits.length, 50);
      for (const h of hits) assert.equal((h.id - 1) % 7, 0, `hit ${h.id} is not in product P7`);
      const excluded = hits.slice(0, 5).map((h) => h.id);
      const again = await ix.keywordSearch(query, 50, { product: "P7", excludeIds: excluded });
      assert.ok(again.every((h) => !excluded.includes(h.id)));
      assert.equal(again.length, 50);
    }
  });

  it("a term unknown to the index matches nothing; a query of only unknown terms returns no hits", async () => {
    assert.deepEqual(await ix.keywordSearch("zzzunknown qqqnothing", 10), []);
    const known = await ix.keywordSearch("w7 zzzunknown", 10);
    assert.equal(known.length, 10);
  });

  it("a report indexed after the frequencies were read is found by its new rare term", async () => {
    await ix.keywordSearch("w1 w2 w3 freshterm", 10);
    await ix.upsert([{ id: DOCS + 1000, vector: new Float32Array([1, 0]), meta: { product: "other", createdAt: DOCS + 1 }, text: { title: "freshterm", body: "w1" } }]);
    const hits = await ix.keywordSearch("w1 w2 w3 freshterm", 10);
    assert.equal(hits[0]?.id, DOCS + 1000);
  });
});
