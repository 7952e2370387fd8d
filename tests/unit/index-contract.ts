// Shared behavioural suite for every VectorIndex backend. A backend test file calls
// runVectorIndexContract(name, makeIndex) and gets the same checks: CRUD, filters, edge cases, keyword
// identifiers, hybrid fusion and generation switches under concurrent queries.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Hit, IndexPoint, ReindexSession, VectorIndex } from "@/lib/vector/types";
import { mulberry32 as rng } from "@/lib/random";

export interface ContractOptions {
  /** Called after each test with the index it used (e.g. delete Qdrant collections). */
  cleanup?: (index: VectorIndex) => Promise<void>;
}

// ---------- deterministic data ----------

export { mulberry32 as rng } from "@/lib/random";

export function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  return v.map((x) => x / n);
}

/** Unit basis vector e_i. */
export function basis(i: number, dims: number): Float32Array {
  const v = new Float32Array(dims);
  v[i] = 1;
  return v;
}

/** e_i plus seeded noise of the given size, normalised. */
export function near(i: number, dims: number, noise: number, r: () => number): Float32Array {
  const v = basis(i, dims);
  for (let j = 0; j < dims; j++) v[j] += (r() - 0.5) * 2 * noise;
  return normalise(v);
}

const FILLER = "alpha beta gamma delta epsilon zeta theta kappa lambda sigma omega river stone cloud ember".split(" ");

function fillerText(r: () => number, words: number): string {
  return Array.from({ length: words }, () => FILLER[Math.floor(r() * FILLER.length)]).join(" ");
}

const ids = (hits: Hit[]) => hits.map((h) => h.id);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const tick = () => new Promise<void>((r) => setImmediate(r));

function point(id: number, vector: Float32Array, meta: Partial<IndexPoint["meta"]> = {}, text?: IndexPoint["text"]): IndexPoint {
  return { id, vector, meta: { createdAt: 1_000 * id, ...meta }, ...(text ? { text } : {}) };
}

export function runVectorIndexContract(
  name: string,
  makeIndex: (dims: number) => Promise<VectorIndex>,
  opts: ContractOptions = {},
): void {
  describe(`VectorIndex contract: ${name}`, () => {
    const open: VectorIndex[] = [];
    const make = async (dims: number) => {
      const ix = await makeIndex(dims);
      open.push(ix);
      return ix;
    };
    after(async () => {
      for (const ix of open) {
        if (opts.cleanup) await opts.cleanup(ix);
        await ix.close();
      }
    });

    const D = 8;

    it("starts empty: count 0, no ids, every search returns []", async () => {
      const ix = await make(D);
      assert.equal(ix.dims, D);
      assert.equal(await ix.count(), 0);
      assert.deepEqual(await ix.ids(), []);
      assert.deepEqual(await ix.search(basis(0, D), 10), []);
      assert.deepEqual(await ix.keywordSearch("anything at all", 10), []);
      assert.deepEqual(await ix.hybridSearch(basis(0, D), "anything", 10), []);
      assert.equal(await ix.get(1), null);
    });

    it("inserts, gets, counts and lists ids", async () => {
      const ix = await make(D);
      const r = rng(1);
      const pts = [
        point(3, near(0, D, 0.1, r), { product: "HDFS", component: "namenode", status: "open" }, { title: "t3", body: "b3" }),
        point(1, near(1, D, 0.1, r), { product: "YARN", component: null, status: null }),
        point(2, near(2, D, 0.1, r), { product: null }),
      ];
      await ix.upsert(pts);
      assert.equal(await ix.count(), 3);
      assert.deepEqual(sorted(await ix.ids()), [1, 2, 3]);
      const got = await ix.get(3);
      assert.ok(got);
      assert.equal(got.id, 3);
      assert.equal(got.vector.length, D);
      for (let i = 0; i < D; i++) assert.ok(Math.abs(got.vector[i] - pts[0].vector[i]) < 1e-5, `vector[${i}]`);
      assert.deepEqual(got.meta, { product: "HDFS", component: "namenode", status: "open", createdAt: 3000 });
      assert.deepEqual((await ix.get(2))?.meta, { product: null, component: null, status: null, createdAt: 2000 });
      assert.equal(await ix.get(99), null);
      await ix.upsert([]); // no-op
      assert.equal(await ix.count(), 3);
    });

    it("dense search returns nearest first with cosine scores", async () => {
      const ix = await make(D);
      await ix.upsert([point(1, basis(0, D)), point(2, normalise(new Float32Array([1, 1, 0, 0, 0, 0, 0, 0]))), point(3, basis(1, D))]);
      const hits = await ix.search(basis(0, D), 3);
      assert.deepEqual(ids(hits), [1, 2, 3]);
      assert.ok(Math.abs(hits[0].score - 1) < 1e-5);
      assert.ok(Math.abs(hits[1].score - Math.SQRT1_2) < 1e-5);
      assert.ok(Math.abs(hits[2].score) < 1e-5);
      assert.deepEqual(ids(await ix.search(basis(0, D), 2)), [1, 2]);
      assert.deepEqual(await ix.search(basis(0, D), 0), []);
    });

    it("k larger than the collection returns everything", async () => {
      const ix = await make(D);
      const r = rng(2);
      await ix.upsert(Array.from({ length: 7 }, (_, i) => point(i + 1, near(i % D, D, 0.3, r), {}, { title: "common", body: "" })));
      assert.equal((await ix.search(basis(0, D), 1000)).length, 7);
      assert.equal((await ix.keywordSearch("common", 1000)).length, 7);
      assert.equal((await ix.hybridSearch(basis(0, D), "common", 1000)).length, 7);
    });

    it("updates a point in place (same id, new vector, meta and text)", async () => {
      const ix = await make(D);
      await ix.upsert([
        point(1, basis(0, D), { product: "A" }, { title: "original wording", body: "" }),
        point(2, basis(1, D), { product: "A" }),
      ]);
      await ix.upsert([point(1, basis(2, D), { product: "B", createdAt: 5 }, { title: "replacement phrase", body: "" })]);
      assert.equal(await ix.count(), 2);
      assert.deepEqual(ids(await ix.search(basis(2, D), 1)), [1]);
      assert.ok(Math.abs((await ix.search(basis(2, D), 1))[0].score - 1) < 1e-5);
      assert.deepEqual(ids(await ix.search(basis(0, D), 10, { product: "A" })), [2]);
      assert.deepEqual(ids(await ix.search(basis(0, D), 10, { product: "B" })), [1]);
      assert.deepEqual((await ix.get(1))?.meta, { product: "B", component: null, status: null, createdAt: 5 });
      assert.deepEqual(await ix.keywordSearch("original", 10), []);
      assert.deepEqual(ids(await ix.keywordSearch("replacement", 10)), [1]);
      // upsert replaces the whole point: no text -> no keyword entry
      await ix.upsert([point(1, basis(2, D), { product: "B" })]);
      assert.deepEqual(await ix.keywordSearch("replacement", 10), []);
    });

    it("deletes points everywhere; unknown ids and empty lists are no-ops", async () => {
      const ix = await make(D);
      await ix.upsert([
        point(1, basis(0, D), {}, { title: "delete me", body: "zebra" }),
        point(2, basis(1, D), {}, { title: "keep me", body: "zebra" }),
      ]);
      await ix.delete([1, 999]);
      await ix.delete([]);
      assert.equal(await ix.count(), 1);
      assert.deepEqual(await ix.ids(), [2]);
      assert.equal(await ix.get(1), null);
      assert.deepEqual(ids(await ix.search(basis(0, D), 10)), [2]);
      assert.deepEqual(ids(await ix.keywordSearch("zebra", 10)), [2]);
      // re-insert after delete works
      await ix.upsert([point(1, basis(0, D))]);
      assert.deepEqual(sorted(await ix.ids()), [1, 2]);
    });

    describe("filters", () => {
      const r = rng(3);
      const products = ["HDFS", "YARN", "MAPREDUCE"];
      const statuses = ["open", "closed"];
      const pts = Array.from({ length: 24 }, (_, i) =>
        point(
          i + 1,
          near(0, D, 0.2, r),
          {
            product: products[i % 3],
            component: i % 4 === 0 ? "web" : null,
            status: statuses[i % 2],
            createdAt: 1000 * (i + 1),
          },
          { title: "shared words here", body: fillerText(r, 5) },
        ),
      );
      const byMeta = (pred: (p: IndexPoint) => boolean) => sorted(pts.filter(pred).map((p) => p.id));
      const q = basis(0, D);
      let ix: VectorIndex;
      const both = async (f: Parameters<VectorIndex["search"]>[2]) => {
        const dense = sorted(ids(await ix.search(q, 100, f)));
        const kw = sorted(ids(await ix.keywordSearch("shared", 100, f)));
        const hy = sorted(ids(await ix.hybridSearch(q, "shared", 100, f)));
        assert.deepEqual(kw, dense, "keyword side applies the same filter");
        assert.deepEqual(hy, dense, "hybrid applies the same filter");
        return dense;
      };

      it("setup", async () => {
        ix = await make(D);
        await ix.upsert(pts);
      });
      it("product (single value and array)", async () => {
        assert.deepEqual(await both({ product: "YARN" }), byMeta((p) => p.meta.product === "YARN"));
        assert.deepEqual(
          await both({ product: ["YARN", "HDFS"] }),
          byMeta((p) => ["YARN", "HDFS"].includes(p.meta.product ?? "")),
        );
        assert.deepEqual(await both({ product: "NOPE" }), []);
      });
      it("component and status", async () => {
        assert.deepEqual(await both({ component: "web" }), byMeta((p) => p.meta.component === "web"));
        assert.deepEqual(await both({ status: ["closed"] }), byMeta((p) => p.meta.status === "closed"));
        assert.deepEqual(
          await both({ status: "open", product: "HDFS" }),
          byMeta((p) => p.meta.status === "open" && p.meta.product === "HDFS"),
        );
      });
      it("created range is strict on both ends", async () => {
        assert.deepEqual(
          await both({ createdAfter: 5000, createdBefore: 9000 }),
          byMeta((p) => p.meta.createdAt > 5000 && p.meta.createdAt < 9000),
        );
        assert.deepEqual(await both({ createdAfter: 24_000 }), []);
        assert.deepEqual(await both({ createdBefore: 1000 }), []);
      });
      it("excludeIds (also when the excluded ids are the top hits)", async () => {
        const top = ids(await ix.search(q, 3));
        const rest = ids(await ix.search(q, 5)).slice(3);
        const hits = ids(await ix.search(q, 2, { excludeIds: top }));
        assert.deepEqual(hits, rest);
        assert.ok(!ids(await ix.keywordSearch("shared", 100, { excludeIds: top })).some((id) => top.includes(id)));
        assert.deepEqual(await both({ excludeIds: [1, 2] }), byMeta((p) => p.id > 2));
      });
      it("filters apply before top-k (a rare product still fills k)", async () => {
        // Only 2 points are far from q, both in product "FAR": k=2 must return both, not 0.
        await ix.upsert([
          point(100, basis(5, D), { product: "FAR", createdAt: 1 }),
          point(101, basis(6, D), { product: "FAR", createdAt: 1 }),
        ]);
        assert.deepEqual(sorted(ids(await ix.search(q, 2, { product: "FAR" }))), [100, 101]);
        await ix.delete([100, 101]);
      });
      it("an empty value list matches nothing; bad filters throw", async () => {
        assert.deepEqual(await ix.search(q, 10, { product: [] }), []);
        await assert.rejects(ix.search(q, 10, { product: 5 as unknown as string }), /product/);
        await assert.rejects(ix.search(q, 10, { createdAfter: Number.NaN }), /createdAfter/);
        await assert.rejects(ix.search(q, 10, { excludeIds: [-1] }), /excludeIds/);
      });
    });

    it("rejects bad input with clear errors, without partial writes", async () => {
      const ix = await make(D);
      await assert.rejects(ix.search(new Float32Array(D + 1).fill(0.1), 5), /dimension mismatch.*9.*8/i);
      await assert.rejects(ix.hybridSearch(new Float32Array(3).fill(0.1), "x", 5), /dimension mismatch/i);
      await assert.rejects(ix.upsert([point(1, basis(0, D)), point(2, new Float32Array(4).fill(0.5))]), /point\[1\].*dimension mismatch/i);
      assert.equal(await ix.count(), 0, "the valid point of a rejected batch was not written");
      await assert.rejects(ix.search(basis(0, D), -1), /k must be/);
      await assert.rejects(ix.search(basis(0, D), 1.5), /k must be/);
      await assert.rejects(ix.search(new Float32Array(D), 5), /zero norm/);
      await assert.rejects(ix.upsert([point(0, basis(0, D))]), /id must be/);
      await assert.rejects(ix.upsert([point(1, basis(0, D)), point(1, basis(1, D))]), /twice/);
      await assert.rejects(ix.upsert([{ id: 1, vector: basis(0, D), meta: {} as IndexPoint["meta"] }]), /createdAt/);
    });

    describe("keyword search and hybrid", () => {
      const r = rng(4);
      let ix: VectorIndex;
      const q = basis(0, D);
      it("setup", async () => {
        ix = await make(D);
        const filler = Array.from({ length: 30 }, (_, i) =>
          point(i + 1, near(0, D, 0.3, r), { product: "P" }, { title: fillerText(r, 4), body: fillerText(r, 20) }),
        );
        await ix.upsert([
          ...filler,
          point(101, basis(1, D), { product: "P" }, {
            title: "Localizer crash in FSDownload.java",
            body: "java.lang.NullPointerException at org.apache.hadoop.yarn.util.FSDownload.call(FSDownload.java:412) see HDFS-1234",
          }),
          point(102, basis(2, D), { product: "Q" }, { title: "Access denied on write", body: "Error E_ACCESSDENIED (0x80004005) from the share; café" }),
          point(103, basis(3, D), { product: "P" }, { title: "hdfs balancer", body: "ticket 1234 mentions hdfs" }),
        ]);
      });
      it("finds exact identifiers the dense side misses", async () => {
        assert.ok(!ids(await ix.search(q, 10)).includes(101), "dense top-10 does not contain the target");
        for (const query of [
          "FSDownload.java",
          "NullPointerException",
          "java.lang.NullPointerException",
          "org.apache.hadoop.yarn.util.FSDownload",
          "FSDownload",
          "nullpointerexception",
          "pointer exception",
          "HDFS-1234",
        ]) {
          assert.equal((await ix.keywordSearch(query, 5))[0]?.id, 101, `query ${JSON.stringify(query)}`);
        }
        for (const query of ["E_ACCESSDENIED", "0x80004005", "accessdenied", "Café", "CAFE"]) {
          assert.equal((await ix.keywordSearch(query, 5))[0]?.id, 102, `query ${JSON.stringify(query)}`);
        }
        const kw = await ix.keywordSearch("FSDownload.java", 5);
        assert.ok(kw.every((h, i) => i === 0 || h.score <= kw[i - 1].score), "keyword hits sorted by score");
      });
      it("treats query syntax, punctuation and empty input as plain text", async () => {
        assert.deepEqual(await ix.keywordSearch("", 5), []);
        assert.deepEqual(await ix.keywordSearch("  !!! ??? --- ... ", 5), []);
        assert.deepEqual(await ix.keywordSearch("the and of", 5), []);
        for (const q2 of ['"unbalanced', "NOT AND OR NEAR(", "title:foo*", "a'b\"c^d", "(((", "💥🔥", "日本語のテキスト"]) {
          await ix.keywordSearch(q2, 5); // must not throw
        }
        assert.equal((await ix.keywordSearch('"FSDownload.java" AND NOT', 5))[0]?.id, 101);
        assert.deepEqual(await ix.keywordSearch("FSDownload.java", 5, { product: "Q" }), []);
        assert.deepEqual(await ix.hybridSearch(q, "", 3).then((h) => h.length), 3, "no terms: dense side only");
      });
      it("hybrid fuses both sides and explains ranks", async () => {
        const hy = await ix.hybridSearch(q, "FSDownload.java", 5);
        assert.equal(hy[0].id, 101, "the keyword-only match wins the fusion");
        assert.equal(hy[0].keywordRank, 1);
        assert.ok(typeof hy[0].keywordScore === "number");
        assert.ok(hy.some((h) => h.denseRank === 1 && h.keywordRank === undefined), "dense-only hits are kept");
        assert.ok(hy.every((h, i) => i === 0 || h.score <= hy[i - 1].score), "sorted by fused score");
        // Top on both sides: RRF score = 1/61 + 1/61 with k = 60.
        const both = await ix.hybridSearch(basis(2, D), "E_ACCESSDENIED", 3);
        assert.equal(both[0].id, 102);
        assert.equal(both[0].denseRank, 1);
        assert.equal(both[0].keywordRank, 1);
        assert.ok(Math.abs(both[0].score - 2 / 61) < 1e-6, `fused score ${both[0].score}`);
        assert.ok(Math.abs((both[0].denseScore ?? 0) - 1) < 1e-5);
        // filters and exclusions on both sides
        assert.ok(!ids(await ix.hybridSearch(q, "FSDownload.java", 5, { excludeIds: [101] })).includes(101));
        assert.ok(ids(await ix.hybridSearch(q, "E_ACCESSDENIED", 40, { product: "P" })).every((id) => id !== 102));
      });
    });

    describe("re-index generations", () => {
      const N = 40;
      const OLD = Array.from({ length: N }, (_, i) => i + 1);
      const NEW = Array.from({ length: N }, (_, i) => 1001 + i);
      const r = rng(5);
      const gen = (idList: number[], word: string, dims = D) =>
        idList.map((id) => point(id, near(id % dims, dims, 0.3, r), { product: word }, { title: `common ${word}`, body: fillerText(r, 6) }));

      it("switches generations while queries run: no query fails, none sees a mix", async () => {
        const ix = await make(D);
        await ix.upsert(gen(OLD, "old"));
        const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
        const seen = { old: 0, new: 0 };
        const bad: string[] = [];
        const classify = (what: string, got: number[]) => {
          const s = sorted(got);
          if (same(s, OLD)) seen.old++;
          else if (same(s, NEW)) seen.new++;
          else bad.push(`${what} saw ${s.length} ids: ${s.slice(0, 5).join(",")}...`);
        };
        let stop = false;
        const loop = async (fn: () => Promise<void>) => {
          while (!stop) {
            try {
              await fn();
            } catch (e) {
              bad.push(`query failed: ${(e as Error).message}`);
            }
            await tick();
          }
        };
        const loops = [
          loop(async () => classify("search", ids(await ix.search(basis(0, D), N + 20)))),
          loop(async () => classify("keyword", ids(await ix.keywordSearch("common", N + 20)))),
          loop(async () => classify("hybrid", ids(await ix.hybridSearch(basis(1, D), "common", N + 20)))),
          loop(async () => classify("ids", await ix.ids())),
          loop(async () => {
            const n = await ix.count();
            if (n !== N) bad.push(`count ${n}`);
          }),
        ];
        const s = await ix.beginReindex();
        const pts = gen(NEW, "new");
        for (let i = 0; i < pts.length; i += 5) {
          await s.upsert(pts.slice(i, i + 5));
          await tick();
          await tick();
        }
        await s.commit();
        for (let i = 0; i < 10; i++) await tick();
        stop = true;
        await Promise.all(loops);
        assert.deepEqual(bad, []);
        assert.ok(seen.old > 0, "queries ran while the new generation was being built");
        assert.ok(seen.new > 0, "queries ran after the switch");
        assert.deepEqual(sorted(await ix.ids()), NEW);
        await assert.rejects(s.upsert(pts.slice(0, 1)), /already committed|not being built/);
      });

      it("re-indexes into a different dimension", async () => {
        const ix = await make(D);
        await ix.upsert(gen(OLD.slice(0, 5), "old"));
        const s = await ix.beginReindex({ dims: 12 });
        await assert.rejects(s.upsert(gen([1], "x", D)), /dimension mismatch/);
        await s.upsert(gen(NEW.slice(0, 5), "new", 12));
        assert.equal(ix.dims, D, "live dims unchanged before commit");
        await s.commit();
        assert.equal(ix.dims, 12);
        assert.equal((await ix.search(basis(0, 12), 10)).length, 5);
        await assert.rejects(ix.search(basis(0, D), 10), /dimension mismatch.*8.*12/i);
      });

      it("abort leaves the live generation untouched", async () => {
        const ix = await make(D);
        await ix.upsert(gen(OLD.slice(0, 5), "old"));
        const s = await ix.beginReindex();
        await s.upsert(gen(NEW.slice(0, 5), "new"));
        await s.abort();
        await s.abort(); // idempotent
        assert.deepEqual(sorted(await ix.ids()), OLD.slice(0, 5));
        assert.deepEqual(ids(await ix.keywordSearch("new", 10)), []);
        await assert.rejects(s.upsert(gen([2000], "new")), /already committed or aborted/);
        await assert.rejects(ix.beginReindex({ resumeGeneration: s.generation }), /does not exist/);
      });

      it("resumes an interrupted re-index and propagates deletes into it", async () => {
        const ix = await make(D);
        await ix.upsert(gen(OLD.slice(0, 5), "old"));
        const first: ReindexSession = await ix.beginReindex();
        const pts = gen(NEW.slice(0, 10), "new");
        await first.upsert(pts.slice(0, 6));
        // "crash": the session object is lost; only its generation id survives (e.g. in IndexJob.generation)
        const resumed = await ix.beginReindex({ resumeGeneration: first.generation });
        assert.equal(resumed.generation, first.generation);
        if (resumed.ids) assert.deepEqual(sorted(await resumed.ids()), NEW.slice(0, 6));
        await ix.delete([NEW[0]]); // deleted while the re-index runs: must not come back
        await resumed.upsert(pts.slice(6));
        await resumed.commit();
        assert.deepEqual(sorted(await ix.ids()), NEW.slice(1, 10));
        await assert.rejects(ix.beginReindex({ resumeGeneration: "not a generation" }), /invalid generation id/);
        await assert.rejects(ix.beginReindex({ resumeGeneration: resumed.generation }), /already live/);
      });
    });
  });
}
