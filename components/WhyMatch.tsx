import type { Why } from "@/lib/http/schemas";

/** Explains a candidate: equal fields, shared salient terms, shared stack frames. */
export function WhyMatch({ why }: { why: Why }) {
  const empty = why.fields.length === 0 && why.terms.length === 0 && why.frames.length === 0;
  if (empty) return <p className="text-xs text-slate-600">No shared fields or salient terms — similar in meaning only.</p>;
  return (
    <div className="space-y-2 text-xs">
      {(why.fields.length > 0 || why.terms.length > 0) && (
        <div className="flex flex-wrap items-center gap-1.5">
          <span className="font-medium text-slate-600">Why:</span>
          {why.fields.map((f) => (
            <span key={f.field} className="rounded bg-indigo-50 px-1.5 py-0.5 text-indigo-800 ring-1 ring-inset ring-indigo-600/20">
              same {f.field}: <span className="font-medium">{f.value}</span>
            </span>
          ))}
          {why.terms.map((t) => (
            <span key={t.term} className="rounded bg-amber-100 px-1.5 py-0.5 font-mono text-amber-950">
              {t.term}
            </span>
          ))}
        </div>
      )}
      {why.frames.length > 0 && (
        <div>
          <p className="font-medium text-slate-600">Shared stack frames ({why.frames.length})</p>
          <ul className="mt-1 overflow-x-auto rounded bg-slate-900 px-2 py-1.5 font-mono text-[11px] leading-5 text-slate-100">
            {why.frames.map((f) => (
              <li key={f} className="whitespace-pre">
                at {f}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
