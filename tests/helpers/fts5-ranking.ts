// FTS5's own ranking of a keyword query straight against a sqlite-vec index file's live generation: the unbounded
// OR of every term, ranked by bm25() with the index's column weights (title 3, body 1), optionally restricted to
// one product. The reference the keyword-side tests compare the index's bounded and in-memory answers with.
import Database from "better-sqlite3";
import { ftsMatchExpression } from "@/lib/vector/tokenize";
import type { Hit } from "@/lib/vector/types";

/** Top k ids with score -bm25 (higher is better, as the index reports it). */
export function fts5Ranking(file: string, query: string, k: number, product?: string): Hit[] {
  const db = new Database(file, { readonly: true });
  try {
    const gen = (db.prepare("SELECT value FROM ix_meta WHERE key = 'live'").get() as { value: string }).value;
    const fts = `ix_fts_${gen}`;
    const where = product ? ` AND rowid IN (SELECT id FROM ix_doc_${gen} WHERE product = ?)` : "";
    const rows = db
      .prepare(`SELECT rowid AS id, bm25(${fts}, 3.0, 1.0) AS bm FROM ${fts} WHERE ${fts} MATCH ?${where} ORDER BY bm, rowid LIMIT ?`)
      .all(...[ftsMatchExpression(query), ...(product ? [product] : []), k]) as { id: number; bm: number }[];
    return rows.map((x) => ({ id: x.id, score: -x.bm }));
  } finally {
    db.close();
  }
}
