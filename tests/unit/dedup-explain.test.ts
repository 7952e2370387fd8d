// "Why" chips show what carries a match: rare shared terms (by corpus document frequency), shared stack frames
// and the same component; never the product name, never a word most reports contain.
import assert from "node:assert/strict";
import { test } from "node:test";
import { explain, prepareSide, RARE_FRACTION } from "@/lib/dedup/explain";

const draft = prepareSide({
  title: "Harbor opens files twice and sync fails with E_SYNC_CONFLICT_409",
  description:
    "When the Harbor client opens files in a shared folder it uploads them again.\n" +
    "java.lang.IllegalStateException: conflict\n\tat com.harbor.sync.Uploader.push(Uploader.java:88)\n\tat com.harbor.sync.Queue.run(Queue.java:41)",
  product: "Harbor Desktop",
  component: "Sync",
});
const candidate = prepareSide({
  title: "Sync conflict E_SYNC_CONFLICT_409 after the desktop client opens files",
  description:
    "Harbor uploads files again after a conflict.\njava.lang.IllegalStateException: conflict\n\tat com.harbor.sync.Uploader.push(Uploader.java:90)",
  product: "Harbor Desktop",
  component: "Sync",
});

// A 1000-report corpus: product words, "files" and "opens" are everywhere; the error code and "conflict" are rare.
const N = 1000;
const df = new Map<string, number>([
  ["harbor", 990],
  ["desktop", 400],
  ["files", 300],
  ["opens", 120],
  ["uploads", 200],
  ["client", 350],
  ["again", 500],
  ["sync", 260],
  ["shared", 80],
  ["folder", 150],
  ["conflict", 12],
  ["e_sync_conflict_409", 2],
]);

test("why: rare shared terms by IDF, shared frames, same component; no product name, no common words", () => {
  const why = explain(draft, candidate, df, N);
  const terms = why.terms.map((t) => t.term);
  assert.equal(terms[0], "e_sync_conflict_409", `the rarest identifier leads: ${terms}`);
  assert.ok(terms.includes("java.lang.illegalstateexception"), `${terms}`);
  assert.ok(!terms.includes("conflict"), "a part of a listed identifier is redundant");
  for (const common of ["harbor", "desktop", "files", "opens", "uploads", "client", "sync"]) {
    assert.ok(!terms.includes(common), `"${common}" (in ${df.get(common)} of ${N} reports) is not a reason: ${terms}`);
  }
  for (const t of terms) assert.ok((df.get(t) ?? 0) <= RARE_FRACTION * N, `${t} is rare`);
  assert.deepEqual(why.fields, [{ field: "component", value: "Sync" }], "same component; the product is never a reason");
  assert.ok(why.frames.some((f) => f.includes("Uploader.push")), `shared frame: ${why.frames}`);
  // Offsets point at the term on both sides.
  const code = why.terms[0]!;
  const h = code.right.title[0]!;
  assert.equal(candidate.side.title.slice(h.start, h.end).toLowerCase(), "e_sync_conflict_409");
});

test("why: the product name is no reason even when the corpus is unknown (candidate-set frequencies)", () => {
  const why = explain(draft, candidate, new Map(), 10);
  const terms = why.terms.map((t) => t.term);
  assert.ok(!terms.includes("harbor") && !terms.includes("desktop"), `${terms}`);
  assert.ok(terms.includes("e_sync_conflict_409"));
});
