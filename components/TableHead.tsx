// The header row shared by the account and admin tables (tokens, users, audit log): one look, and every header
// cell scoped to its column for screen readers. A column given as { hidden: "Actions" } is announced but not
// shown, for a column of buttons.
export type TableColumn = string | { hidden: string };

export function TableHead({ columns }: { columns: readonly TableColumn[] }) {
  return (
    <thead className="text-xs uppercase tracking-wide text-slate-600">
      <tr>
        {columns.map((c) => {
          const label = typeof c === "string" ? c : c.hidden;
          return (
            <th key={label} scope="col" className="px-4 py-2 font-medium">
              {typeof c === "string" ? label : <span className="sr-only">{label}</span>}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
