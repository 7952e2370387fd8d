// Search URLs (shared by the server page and the client form): empty fields are left out so shared
// links stay short and readable.

export interface SearchParamsState {
  q: string;
  product: string;
  component: string;
  status: string;
  from: string;
  to: string;
  /** "1": exact matches only (reports containing the words as a phrase). */
  exact?: string;
}

export const FILTER_KEYS = ["product", "component", "status", "from", "to"] as const;

export function searchHref(s: Partial<SearchParamsState>, page = 1): string {
  const p = new URLSearchParams();
  if (s.q?.trim()) p.set("q", s.q.trim());
  for (const k of FILTER_KEYS) if (s[k]) p.set(k, s[k]!);
  if (s.exact === "1" && s.q?.trim()) p.set("exact", "1");
  if (page > 1) p.set("page", String(page));
  const qs = p.toString();
  return qs ? `/?${qs}` : "/";
}
