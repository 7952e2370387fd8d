// The bot's comment: the top candidates with title, link, score and why, and how to answer. One body per
// report, marked by a hidden marker so the bot (and the sync) can tell it from human comments. GitHub and
// Bugzilla get Markdown (GitHub renders GFM tables); Jira gets wiki markup.
import type { DuplicateCandidate } from "@/lib/domain/views";
import type { SyncConnectorName } from "@/lib/domain/types";
import { BOT_MARKER, JIRA_BOT_MARKER } from "@/lib/sync/types";

export interface CommentContext {
  tracker: SyncConnectorName;
  /** Root of this bugsift for links to reports without a tracker URL. */
  publicUrl?: string;
  model: string;
}

/** How the tracker names a report in text ("#12", "bug 12", "HADOOP-12"). */
export function refOf(tracker: SyncConnectorName, externalId: string): string {
  if (tracker === "github") return `#${externalId}`;
  if (tracker === "bugzilla") return `bug ${externalId}`;
  return externalId;
}

/** One line of reasons: equal fields, shared terms, shared stack frames. */
export function whyText(c: DuplicateCandidate): string {
  const parts: string[] = [];
  for (const f of c.why.fields) parts.push(`same ${f.field}: ${f.value}`);
  const terms = c.why.terms.slice(0, 5).map((t) => t.term);
  if (terms.length) parts.push(`shared terms: ${terms.join(", ")}`);
  if (c.why.frames.length) parts.push(`${c.why.frames.length} shared stack frame${c.why.frames.length > 1 ? "s" : ""}`);
  return parts.length ? parts.join("; ") : "similar wording";
}

function linkOf(c: DuplicateCandidate, ctx: CommentContext): string | null {
  if (c.report.url) return c.report.url;
  return ctx.publicUrl ? `${ctx.publicUrl.replace(/\/$/, "")}/reports/${c.report.id}` : null;
}

const mdEscape = (s: string) => s.replace(/[\\`*_[\]<>|]/g, (ch) => `\\${ch}`).replace(/\s+/g, " ");
const jiraEscape = (s: string) => s.replace(/[|[\]{}*_+^~-]/g, (ch) => `\\${ch}`).replace(/\s+/g, " ");

function answerHint(tracker: SyncConnectorName, first: string): string {
  const not = `\`/bugsift not-duplicate ${first}\``;
  if (tracker === "github") return `If this is one of them, close it as a duplicate (comment \`Duplicate of ${first}\`). If a suggestion is wrong, comment ${not} and it will not be suggested again.`;
  if (tracker === "bugzilla") return `If this is one of them, resolve it as DUPLICATE of that bug. If a suggestion is wrong, comment ${not} and it will not be suggested again.`;
  return `If this is one of them, link it as a Duplicate. If a suggestion is wrong, comment ${not} and it will not be suggested again.`;
}

/** The comment body; an empty candidate list says the earlier suggestions no longer apply. */
export function renderComment(candidates: DuplicateCandidate[], ctx: CommentContext): string {
  if (ctx.tracker === "jira") return renderJira(candidates, ctx);
  const lines = [BOT_MARKER, "### Possible duplicates", ""];
  if (candidates.length === 0) {
    lines.push("bugsift no longer finds a likely duplicate of this report (it was edited, or the suggestions were answered).");
  } else {
    lines.push("bugsift found reports that look like this one:", "", "| | Report | Score | Why |", "| --- | --- | --- | --- |");
    for (const [i, c] of candidates.entries()) {
      const label = `${refOf(ctx.tracker, c.report.externalId)} ${c.report.title}`;
      const link = linkOf(c, ctx);
      const report = link ? `[${mdEscape(label)}](${link})` : mdEscape(label);
      const status = c.report.status ? ` (${mdEscape(c.report.status.toLowerCase())})` : "";
      lines.push(`| ${i + 1} | ${report}${status} | ${c.score.toFixed(2)} ${c.tier} | ${mdEscape(whyText(c))} |`);
    }
    lines.push("", answerHint(ctx.tracker, refOf(ctx.tracker, candidates[0]!.report.externalId).replace(/^bug /, "")));
  }
  lines.push("", `<sub>bugsift duplicate check (model ${mdEscape(ctx.model)}). This comment is updated when the report changes; bugsift never closes reports.</sub>`);
  return lines.join("\n");
}

function renderJira(candidates: DuplicateCandidate[], ctx: CommentContext): string {
  const lines = [JIRA_BOT_MARKER, "h4. Possible duplicates", ""];
  if (candidates.length === 0) {
    lines.push("bugsift no longer finds a likely duplicate of this report.");
  } else {
    lines.push("bugsift found reports that look like this one:", "", "||#||Report||Score||Why||");
    for (const [i, c] of candidates.entries()) {
      const label = jiraEscape(`${c.report.externalId} ${c.report.title}`);
      const link = linkOf(c, ctx);
      lines.push(`|${i + 1}|${link ? `[${label}|${link}]` : label}|${c.score.toFixed(2)} ${c.tier}|${jiraEscape(whyText(c))}|`);
    }
    lines.push("", answerHint("jira", candidates[0]!.report.externalId).replace(/`([^`]+)`/g, "{{$1}}"));
  }
  lines.push("", `_bugsift duplicate check (model ${jiraEscape(ctx.model)}); updated when the report changes, never closes reports._`);
  return lines.join("\n");
}
