// Keyword tokenisation shared by the FTS5 and Qdrant sparse sides.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { FTS5_TOKENIZER, ftsDocument, ftsMatchExpression, IDENTIFIER_WEIGHT, queryTerms, tokenize } from "@/lib/vector/tokenize";
import { documentSparseVector, querySparseVector, termId } from "@/lib/vector/sparse";

describe("tokenize", () => {
  it("keeps whole identifiers and their parts", () => {
    const t = new Set(tokenize("java.lang.NullPointerException at FSDownload.java:123 HDFS-1234 0x80004005 E_ACCESSDENIED Foo$Bar"));
    for (const x of [
      "java.lang.nullpointerexception",
      "nullpointerexception",
      "null",
      "pointer",
      "exception",
      "fsdownload.java",
      "fsdownload",
      "fs",
      "download",
      "java",
      "123",
      "hdfs-1234",
      "hdfs",
      "1234",
      "0x80004005",
      "e_accessdenied",
      "accessdenied",
      "foo$bar",
      "foo",
      "bar",
    ]) {
      assert.ok(t.has(x), `missing ${x}`);
    }
    assert.ok(!t.has("e"), "lone letters are dropped as parts");
    assert.ok(!t.has("at"), "stopwords are dropped");
  });
  it("dotted names yield the full name and every segment", () => {
    assert.deepEqual(tokenize("org.apache.hadoop.fs.Path"), ["org.apache.hadoop.fs.path", "org", "apache", "hadoop", "fs", "path"]);
  });
  it("splits camelCase acronyms sensibly", () => {
    assert.deepEqual(tokenize("IOException"), ["ioexception", "io", "exception"]);
    assert.deepEqual(tokenize("getHTTPResponse"), ["gethttpresponse", "get", "http", "response"]);
  });
  it("counts repeats (term frequency) and strips trailing punctuation", () => {
    assert.deepEqual(tokenize("Crash. crash! (crash)"), ["crash", "crash", "crash"]);
    assert.deepEqual(tokenize("see file.txt."), ["see", "file.txt", "file", "txt"]);
  });
  it("folds case and diacritics, handles unicode and CJK", () => {
    assert.deepEqual(tokenize("Café ÜBER naïve"), ["cafe", "uber", "naive"]);
    assert.deepEqual(tokenize("ｆｕｌｌｗｉｄｔｈ"), ["fullwidth"]);
    assert.deepEqual(tokenize("错误日志"), ["错误日志", "错误", "误日", "日志"]);
    assert.deepEqual(tokenize("Ошибка сервера"), ["ошибка", "сервера"]);
  });
  it("empty / punctuation-only / emoji text has no tokens", () => {
    for (const s of ["", "   ", "!!! ... --- ???", "💥🔥", "\u0000\u0001"]) assert.deepEqual(tokenize(s), []);
    assert.throws(() => tokenize(5 as unknown as string), /expected a string/);
  });
});

describe("query terms and FTS5 expressions", () => {
  it("weights whole identifiers and puts them first", () => {
    assert.deepEqual(queryTerms("crash in HDFS-1234"), [
      { term: "hdfs-1234", weight: IDENTIFIER_WEIGHT },
      { term: "1234", weight: 1 },
      { term: "crash", weight: 1 },
      { term: "hdfs", weight: 1 },
    ]);
    const long = Array.from({ length: 300 }, (_, i) => `word${i}`).join(" ") + " E_FAIL";
    const capped = queryTerms(long, 3);
    assert.equal(capped.length, 3);
    assert.equal(capped[0].term, "e_fail", "identifiers survive the cap");
    assert.equal(queryTerms(long).length, 128);
  });
  it("quotes every term, repeats weighted ones, returns null when nothing is searchable", () => {
    assert.equal(ftsMatchExpression('NOT "xray" AND (yak OR zulu*)'), '"xray" OR "yak" OR "zulu"');
    assert.equal(ftsMatchExpression("E_FAIL"), Array(IDENTIFIER_WEIGHT).fill('"e_fail"').concat('"fail"').join(" OR "));
    assert.equal(ftsMatchExpression(""), null);
    assert.equal(ftsMatchExpression("the of and"), null);
  });
  it("every expression from hostile input parses in FTS5 and matches our documents", () => {
    const db = new Database(":memory:");
    db.exec(`CREATE VIRTUAL TABLE f USING fts5(title, body, content='', contentless_delete=1, tokenize="${FTS5_TOKENIZER}")`);
    db.prepare("INSERT INTO f (rowid, title, body) VALUES (1, ?, ?)").run(ftsDocument("Café FSDownload.java"), ftsDocument("HDFS-1234 错误日志"));
    const hostile = ['"', '""', "'", "*", "^", "NEAR(a b)", "a:b", "col:x", "-x", "+x", "(((", ")))", "{a b}", "\\", "x AND", "💥", "\u200b", "a\u0000b"];
    for (const q of hostile) {
      const m = ftsMatchExpression(q);
      if (m !== null) db.prepare("SELECT rowid FROM f WHERE f MATCH ?").all(m);
    }
    const hits = (q: string) => db.prepare("SELECT rowid FROM f WHERE f MATCH ?").all(ftsMatchExpression(q)).length;
    for (const q of ["cafe", "CAFÉ", "fsdownload.java", "FSDownload", "java", "hdfs-1234", "1234", "日志", "错误日志"]) {
      assert.equal(hits(q), 1, q);
    }
    assert.equal(hits("unrelated"), 0);
    db.close();
  });
});

describe("sparse BM25 vectors", () => {
  it("hashes terms stably and builds sorted, unique, saturated vectors", () => {
    assert.equal(termId("hdfs"), termId("hdfs"));
    assert.notEqual(termId("hdfs"), termId("yarn"));
    assert.equal(termId(""), 0x811c9dc5);
    const v = documentSparseVector({ title: "crash crash", body: "crash in HDFS-1234 hdfs" });
    assert.equal(v.indices.length, new Set(v.indices).size);
    assert.deepEqual(v.indices, [...v.indices].sort((a, b) => a - b));
    const crash = v.values[v.indices.indexOf(termId("crash"))];
    const hdfs = v.values[v.indices.indexOf(termId("hdfs"))];
    assert.ok(crash > hdfs && crash < 2.2, "title repeats weigh more but saturate below k1+1");
    assert.deepEqual(documentSparseVector({ title: "", body: "" }), { indices: [], values: [] });
    const q = querySparseVector("HDFS-1234 crash");
    assert.equal(q.values[q.indices.indexOf(termId("hdfs-1234"))], IDENTIFIER_WEIGHT);
    assert.equal(q.values[q.indices.indexOf(termId("crash"))], 1);
  });
});
