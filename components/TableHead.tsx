// The header row shared by the account and admin tables (tokens, users, audit log): one look, and every header
// cell scoped to its column for screen readers. A column given as { hidden: "Actions" } is announced but not
// shown, for a column of buttons.
export type TableColumn = string | { hidden: string };

export function TableHead({ columns }: { columns: readonly TableColumn[] }) {
  return (
    <thead className="text-xs uppercase tracking-wide text-slate-600">
      <tr>
        {columns.map((c) =>
          typeof c === "string" ? (
            <th key={c} scope="col" className="px-4 py-2 font-medium">
              {c}
            </th>
          ) : (
            <th key={c.hidden} scope="col" className="px-4 py-2 font-medium">
              <span className="sr-only">{c.hidden}</span>
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
