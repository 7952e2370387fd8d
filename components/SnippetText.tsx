import type { Snippet } from "@/lib/http/schemas";
import { Highlight } from "@/components/Highlight";

/** A server-made snippet: highlights are offsets into snippet.text; ellipses mark cut ends. */
export function SnippetText({ snippet, className = "" }: { snippet: Snippet; className?: string }) {
  if (!snippet.text) return null;
  return (
    <p className={`wrap-anywhere text-sm leading-6 text-slate-700 ${className}`}>
      {snippet.truncatedStart ? "… " : null}
      <Highlight text={snippet.text} ranges={snippet.highlights} />
      {snippet.truncatedEnd ? " …" : null}
    </p>
  );
}
