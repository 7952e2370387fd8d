// A small structural description of a SQLite database (tables, columns, indexes, foreign
// keys) used to name drift precisely. The schema engine's own summary for SQLite only
// says "Redefined table `Report`"; this says which column or index differs.
import Database from "better-sqlite3";
import { isUnmanagedTable } from "@/lib/offline/migrate/ignore";

export interface TableShape {
  columns: Map<string, string>;
  indexes: Map<string, string>;
  foreignKeys: Set<string>;
}

export type DbShape = Map<string, TableShape>;

export function describeSqlite(file: string): DbShape {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const shape: DbShape = new Map();
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string }[];
    for (const { name } of tables) {
      if (isUnmanagedTable(name)) continue;
      const columns = new Map<string, string>();
      for (const c of db.pragma(`table_info(${JSON.stringify(name)})`) as {
        name: string;
        type: string;
        notnull: number;
        dflt_value: string | null;
        pk: number;
      }[]) {
        const parts = [c.type.toUpperCase() || "ANY"];
        if (c.notnull) parts.push("NOT NULL");
        if (c.dflt_value !== null) parts.push(`DEFAULT ${c.dflt_value}`);
        if (c.pk) parts.push("PRIMARY KEY");
        columns.set(c.name, parts.join(" "));
      }
      const indexes = new Map<string, string>();
      for (const ix of db.pragma(`index_list(${JSON.stringify(name)})`) as {
        name: string;
        unique: number;
        origin: string;
      }[]) {
        if (ix.origin === "pk") continue;
        const cols = (db.pragma(`index_info(${JSON.stringify(ix.name)})`) as { name: string }[]).map((x) => x.name);
        indexes.set(ix.name, `${ix.unique ? "UNIQUE " : ""}(${cols.join(", ")})`);
      }
      const foreignKeys = new Set<string>();
      for (const fk of db.pragma(`foreign_key_list(${JSON.stringify(name)})`) as {
        table: string;
        from: string;
        to: string;
        on_delete: string;
        on_update: string;
      }[]) {
        foreignKeys.add(`(${fk.from}) -> ${fk.table}(${fk.to}) ON DELETE ${fk.on_delete} ON UPDATE ${fk.on_update}`);
      }
      shape.set(name, { columns, indexes, foreignKeys });
    }
    return shape;
  } finally {
    db.close();
  }
}

/** Human-readable differences of `actual` relative to `expected`; empty when equal. */
export function compareShapes(actual: DbShape, expected: DbShape, expectedLabel = "schema.prisma"): string[] {
  const out: string[] = [];
  for (const t of actual.keys()) if (!expected.has(t)) out.push(`table "${t}" exists in the database but not in ${expectedLabel}`);
  for (const t of expected.keys()) if (!actual.has(t)) out.push(`table "${t}" is missing from the database`);
  for (const [t, exp] of expected) {
    const act = actual.get(t);
    if (!act) continue;
    diffMap(act.columns, exp.columns, (kind, k, a, e) =>
      out.push(
        kind === "extra"
          ? `table "${t}": column "${k}" (${a}) exists in the database but not in ${expectedLabel}`
          : kind === "missing"
            ? `table "${t}": column "${k}" (${e}) is missing from the database`
            : `table "${t}": column "${k}" is ${a} in the database but ${e} in ${expectedLabel}`,
      ),
    );
    diffMap(act.indexes, exp.indexes, (kind, k, a, e) =>
      out.push(
        kind === "extra"
          ? `table "${t}": index "${k}" ${a} exists in the database but not in ${expectedLabel}`
          : kind === "missing"
            ? `table "${t}": index "${k}" ${e} is missing from the database`
            : `table "${t}": index "${k}" is ${a} in the database but ${e} in ${expectedLabel}`,
      ),
    );
    for (const fk of act.foreignKeys) if (!exp.foreignKeys.has(fk)) out.push(`table "${t}": foreign key ${fk} is not in ${expectedLabel}`);
    for (const fk of exp.foreignKeys) if (!act.foreignKeys.has(fk)) out.push(`table "${t}": foreign key ${fk} is missing from the database`);
  }
  return out;
}

function diffMap(
  actual: Map<string, string>,
  expected: Map<string, string>,
  report: (kind: "extra" | "missing" | "changed", key: string, a?: string, e?: string) => void,
): void {
  for (const [k, a] of actual) {
    const e = expected.get(k);
    if (e === undefined) report("extra", k, a);
    else if (e !== a) report("changed", k, a, e);
  }
  for (const [k, e] of expected) if (!actual.has(k)) report("missing", k, undefined, e);
}
