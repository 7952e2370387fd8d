// The keyword side from per-term lists in memory (lib/vector/keyword-lists.ts) on a real sqlite-vec index: with
// every list complete it ranks exactly as FTS5's bm25() over the same terms; reports written, edited or deleted
// by another connection after the lists were read are found, re-scored or gone at the next query (scored from
// the keyword log with FTS5's own formula); too many changes or a trimmed log drop the lists; cut lists keep
// filters exact by handing a starved query back to FTS5.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { SqliteVecIndex, type SqliteVecIndexOptions } from "@/lib/vector/sqlite-vec";
import type { KeywordBound } from "@/lib/vector/keyword-terms";
import { fts5Ranking } from "@/tests/helpers/fts5-ranking";
import { mulberry32 } from "@/lib/random";
import type { Hit } from "@/lib/vector/types";

const DOCS = 3000;
const VOCAB = Array.from({ length: 1500 }, (_, i) => `w${i}`);
const r = mulberry32(11);
const zipf = () => VOCAB[Math.min(VOCAB.length - 1, Math.floor(Math.exp(r() * Math.log(VOCAB.length + 1))) - 1)]!;
const words = (n: number) => Array.from({ length: n }, zipf).join(" ");
const texts = Array.from({ length: DOCS }, () => ({ title: words(5), body: words(10 + Math.floor(r() * 60)) }));
const point = (id: number, text: { title: string; body: string } | undefined, product = id % 9 === 0 ? "P9" : "other") => ({
  id,
  vector: new Float32Array([1, 0]),
  meta: { product, createdAt: id },
  ...(text ? { text } : {}),
});
/** Every indexed term of a query kept: the lists answer the whole OR query. */
const WHOLE: Partial<KeywordBound> = { minDocs: 100, maxDfFraction: 1, maxTerms: 128, listLength: 1_000_000 };

describe("keyword lists on a sqlite-vec index", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ix-kwlists-"));
  const file = path.join(dir, "ix.db");
  const open = (keywordBound: Partial<KeywordBound>, extra: Partial<SqliteVecIndexOptions> = {}) => new SqliteVecIndex({ path: file, dims: 2, keywordBound, ...extra });
  let writer: SqliteVecIndex;

  before(async () => {
    writer = open({ listLength: 0 });
    for (let start = 0; start < DOCS; start += 1000) {
      await writer.upsert(texts.slice(start, start + 1000).map((t, j) => point(start + j + 1, t)));
    }
  });
  after(async () => {
    await writer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const fts5Top = (query: string, k: number, product?: string) => fts5Ranking(file, query, k, product);
  const queryOf = (id: number) => `${texts[id - 1]!.title}\n${texts[id - 1]!.body}`;
  function assertSameRanking(got: Hit[], want: Hit[], what: string): void {
    assert.deepEqual(got.map((h) => h.id), want.map((h) => h.id), `${what}: ids`);
    got.forEach((h, i) => assert.ok(Math.abs(h.score - want[i]!.score) <= 1e-9 * Math.abs(want[i]!.score), `${what}: score of ${h.id} ${h.score} vs ${want[i]!.score}`));
  }

  it("complete lists rank exactly as FTS5's bm25() over the same terms, filtered or not", async () => {
    const ix = open(WHOLE);
    try {
      for (let q = 0; q < 25; q++) {
        const query = queryOf(1 + Math.floor(r() * DOCS));
        assertSameRanking(await ix.keywordSearch(query, 50), fts5Top(query, 50), `query ${q}`);
        assertSameRanking(await ix.keywordSearch(query, 20, { product: "P9" }), fts5Top(query, 20, "P9"), `query ${q}, product P9`);
      }
    } finally {
      await ix.close();
    }
  });

  it("rows written, edited and deleted by another connection after the lists were read: found, re-scored, gone", async () => {
    const ix = open(WHOLE);
    try {
      const victim = 17;
      const query = queryOf(victim);
      assert.equal((await ix.keywordSearch(query, 5))[0]!.id, victim); // lists read
      await writer.upsert([point(DOCS + 1, { title: "zqfresh report", body: words(30) })]);
      await writer.upsert([point(victim, { title: "zqnew words", body: words(20) })]); // its old text is gone
      await writer.delete([23]);
      await writer.upsert([point(29, undefined)]); // no text: no keyword entry

      const fresh = await ix.keywordSearch("zqfresh w1 w2", 10);
      assert.equal(fresh[0]!.id, DOCS + 1);
      assert.equal((await ix.keywordSearch("zqnew", 5))[0]?.id, victim);
      for (const gone of [23, 29]) {
        const hits = await ix.keywordSearch(queryOf(gone), 3000);
        assert.ok(!hits.some((h) => h.id === gone), `row ${gone} was deleted or lost its text`);
      }
      // The edited row scores on its new text as FTS5 scores it. Within 0.2%: the document frequencies of common
      // terms are cached (a few writes old here), while FTS5 counts them now; a wrong constant, weight or length
      // would be off by percents.
      const edited = (await ix.keywordSearch(query, 3000)).find((h) => h.id === victim);
      const want = fts5Top(query, 3000).find((h) => h.id === victim);
      assert.equal(edited === undefined, want === undefined);
      if (edited && want) assert.ok(Math.abs(edited.score - want.score) <= 2e-3 * want.score, `edited row ${edited.score} vs ${want.score}`);
      const newRow = (await ix.keywordSearch("zqfresh report w3 w40", 10)).find((h) => h.id === DOCS + 1)!;
      const wantNew = fts5Top("zqfresh report w3 w40", 10).find((h) => h.id === DOCS + 1)!;
      assert.ok(Math.abs(newRow.score - wantNew.score) <= 2e-3 * wantNew.score, `new row ${newRow.score} vs ${wantNew.score}`);
    } finally {
      await ix.close();
    }
  });

  it("more changed rows than maxDirty, or a log trimmed past the lists, reads the lists again (exact again)", async () => {
    const few = open({ ...WHOLE, maxDirty: 5 });
    const many = open({ ...WHOLE, maxDirty: 100_000 });
    try {
      const query = queryOf(101);
      await few.keywordSearch(query, 10);
      await many.keywordSearch(query, 10);
      await writer.upsert(Array.from({ length: 6 }, (_, i) => point(200 + i, { title: words(5), body: words(30) })));
      assertSameRanking(await few.keywordSearch(query, 30), fts5Top(query, 30), "after 6 changes with maxDirty 5");
      assert.equal(few.keywordListState().dirty, 0);
      // 9,000 changes: more than the log keeps, so the reader behind it starts over.
      for (let b = 0; b < 5; b++) await writer.upsert(Array.from({ length: 1800 }, (_, i) => point(300 + i, { title: words(5), body: words(30) })));
      assertSameRanking(await many.keywordSearch(query, 30), fts5Top(query, 30), "after the log was trimmed past the lists");
      assert.equal(many.keywordListState().dirty, 0);
    } finally {
      await few.close();
      await many.close();
    }
  });

  it("cut lists: excluded ids never appear, and a selective filter still gets k of its rows (FTS5 answers)", async () => {
    const ix = open({ minDocs: 100, listLength: 40 });
    try {
      for (let q = 0; q < 10; q++) {
        const query = queryOf(1 + Math.floor(r() * DOCS));
        const top = await ix.keywordSearch(query, 20);
        assert.equal(top.length, 20);
        const excluded = top.slice(0, 5).map((h) => h.id);
        const again = await ix.keywordSearch(query, 20, { excludeIds: excluded });
        assert.equal(again.length, 20);
        assert.ok(again.every((h) => !excluded.includes(h.id)));
        // (about 330 P9 rows; a whole report as the query matches far more than 60 of them)
        const p9 = await ix.keywordSearch(query, 60, { product: "P9" });
        assert.equal(p9.length, 60);
        for (const h of p9) assert.equal(h.id % 9, 0, `hit ${h.id} is not in product P9`);
      }
    } finally {
      await ix.close();
    }
  });

  it("warm() reads the lists of the common terms before any query; the answers are the same", async () => {
    const ix = open(WHOLE);
    try {
      assert.equal(ix.keywordListState().terms, 0);
      await ix.warm();
      // terms in 1,000+ of the ~3,000 rows: the Zipf head of the vocabulary
      const warmed = ix.keywordListState();
      assert.ok(warmed.terms > 0 && warmed.postings >= 1000 * warmed.terms, JSON.stringify(warmed));
      const query = queryOf(5);
      assertSameRanking(await ix.keywordSearch(query, 40), fts5Top(query, 40), "after warm()");
    } finally {
      await ix.close();
    }
  });

  it("an id too large for the lists' arrays is still found (the query goes to FTS5)", async () => {
    const big = 2 ** 24 + 5;
    await writer.upsert([point(big, { title: "zqhuge", body: words(10) })]);
    const ix = open(WHOLE);
    try {
      assert.equal((await ix.keywordSearch("zqhuge w1", 5))[0]?.id, big);
    } finally {
      await ix.close();
      await writer.delete([big]);
    }
  });
});
